/**
 * The two global names `free()`'s alternative needs, `Symbol.dispose` and `Disposable`, declared
 * exactly as TypeScript's lib.esnext.disposable and @types/node declare them (identical
 * declarations merge). Imported by the modules whose declarations use them, so a consumer compiles
 * the package's .d.ts files with its default libs (ES2022, with or without DOM), without adding
 * "esnext.disposable" or @types/node (README, "Using rnn-gd from TypeScript").
 */
declare global {
  interface SymbolConstructor {
    readonly dispose: unique symbol;
  }
  interface Disposable {
    [Symbol.dispose](): void;
  }
}
export {};
