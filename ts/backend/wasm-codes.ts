/** The numeric codes of rnn-wasm's constructors (crates/rnn-wasm/API.md, "Codes"). */
export const RECURRENCE = { dense: 0, diagonal: 1 } as const;
export const ACTIVATION = { tanh: 0, sigmoid: 1, sin: 2, relu: 3 } as const;
export const READOUT = { final: 0, all: 1 } as const;
