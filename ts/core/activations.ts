/** Activation functions of docs/spec/model.md section 3 with their sup-norm constants. */

/** The activations by name: the one list (config schemas take it from here: activationSchema in config.ts). */
export const ACTIVATIONS = ['tanh', 'sigmoid', 'sin', 'relu'] as const;
export type ActivationName = (typeof ACTIVATIONS)[number];

export interface Activation {
  readonly name: ActivationName;
  /** sigma(z) */
  f(z: number): number;
  /** sigma'(z) */
  df(z: number): number;
  /** sigma''(z) */
  d2f(z: number): number;
  /** sup|sigma|, sup|sigma'|, sup|sigma''|; Infinity/NaN where the theory does not apply (relu). */
  readonly sigma0: number;
  readonly sigma1: number;
  readonly sigma2: number;
  /** True when sigma is C^2 with bounded sigma0..sigma2, i.e. inside the paper's theory. */
  readonly smooth: boolean;
}

const sigmoid = (z: number) => 1 / (1 + Math.exp(-z));

export const activations: Record<ActivationName, Activation> = {
  tanh: {
    name: 'tanh',
    f: Math.tanh,
    df: (z) => {
      const t = Math.tanh(z);
      return 1 - t * t;
    },
    d2f: (z) => {
      const t = Math.tanh(z);
      return -2 * t * (1 - t * t);
    },
    sigma0: 1,
    sigma1: 1,
    sigma2: 4 / (3 * Math.sqrt(3)),
    smooth: true,
  },
  sigmoid: {
    name: 'sigmoid',
    f: sigmoid,
    df: (z) => {
      const s = sigmoid(z);
      return s * (1 - s);
    },
    d2f: (z) => {
      const s = sigmoid(z);
      return s * (1 - s) * (1 - 2 * s);
    },
    sigma0: 1,
    sigma1: 0.25,
    sigma2: 1 / (6 * Math.sqrt(3)),
    smooth: true,
  },
  sin: {
    name: 'sin',
    f: Math.sin,
    df: Math.cos,
    d2f: (z) => -Math.sin(z),
    sigma0: 1,
    sigma1: 1,
    sigma2: 1,
    smooth: true,
  },
  relu: {
    name: 'relu',
    f: (z) => (z > 0 ? z : 0),
    df: (z) => (z > 0 ? 1 : 0),
    d2f: () => 0,
    sigma0: Infinity,
    sigma1: 1,
    sigma2: NaN,
    smooth: false,
  },
};
