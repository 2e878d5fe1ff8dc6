/** The page's element lookup: an element of index.html by id (the page owns every id it asks for). */
export const $ = <T extends HTMLElement>(id: string) => document.getElementById(id) as T;

/** An <svg> element of index.html by id. */
export const svgById = (id: string) => document.getElementById(id) as unknown as SVGSVGElement;
