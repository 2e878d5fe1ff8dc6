/** vitest globalSetup of vitest.browser.config.ts: test/prerequisites.ts plus the demo page's build. */
import { check } from '../prerequisites.js';

export default function setup(): void {
  check([['web/dist/index.html', 'make web-build']]);
}
