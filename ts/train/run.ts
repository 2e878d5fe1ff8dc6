/**
 * One training run from a config and data already loaded: the model's spec (d and the readout from
 * the data), Theta(0), and the Trainer. Its three callers load their data their own way: files
 * (`rnn-gd train`), a generator (the experiment point runner) and a message (the demo's worker), and
 * the point runner measures at Theta(0) before it trains, so the Trainer is made on request. The
 * Trainer gets the theory's etaMax for its divergence message (the loop itself knows no theory).
 */
import type { Backend } from '../backend/types.js';
import type { InitOptionsInput, ModelSpecInput, TrainOptionsInput } from '../core/config.js';
import { ValidationError } from '../core/errors.js';
import { initialize } from './init.js';
import { etaMaxHint } from '../theory/eta-hint.js';
import { Trainer, type TrainerResume } from './trainer.js';
import { readoutOf, type Dataset, type ModelParams, type ModelSpec, type Readout } from '../core/types.js';
import { backendArg, objectArg } from '../core/api-args.js';

/** A run's model, init and train options (the config file's fields of these names). */
export interface TrainRunConfig {
  /** The architecture; d and the readout default from the data, and given ones must match it. */
  model: Omit<ModelSpecInput, 'd' | 'readout'> & { d?: number; readout?: Readout };
  init?: InitOptionsInput;
  train: TrainOptionsInput;
}

export interface TrainRunInputs {
  data: Dataset;
  /** Held-out data for the test risk: the same d and readout as `data` (any T). */
  test?: Dataset;
  backend: Backend;
  /** How errors name the data sets (default 'data' and 'test data'). */
  names?: { data?: string; test?: string };
}

export interface TrainerStart {
  /** Continue from a checkpoint: its parameters Theta(step) (with W0/U0 = Theta(0)) and counters. */
  from?: { params: ModelParams; resume: TrainerResume };
  /** The train options to use instead of the config's (e.g. a projection radius measured at Theta(0)). */
  train?: TrainOptionsInput;
  /** Also train the linearization at Theta(0) side by side (TrainerInit.linearized). */
  linearized?: boolean;
  /** TrainerInit.memoryBudget. */
  memoryBudget?: number;
  /** TrainerInit.kernelEvery and kernelSamples: the NTK along training. */
  kernelEvery?: number;
  kernelSamples?: number;
}

export interface PreparedRun {
  readonly spec: ModelSpec;
  /** Theta(0): measure here before training, if at all. */
  readonly params: ModelParams;
  readonly data: Dataset;
  readonly test?: Dataset;
  readonly backend: Backend;
  /** A Trainer from Theta(0) (or `from`); it holds backend memory until its free(). */
  trainer(start?: TrainerStart): Trainer;
}

/**
 * Checks that the data fit the config (a d or readout given in the model must be the data's; the
 * test data must have the data's d and readout), initializes Theta(0) and returns it with a factory
 * for the Trainer. Throws a ValidationError that names the data set and the field.
 */
export function prepareRun(config: TrainRunConfig, inputs: TrainRunInputs): PreparedRun {
  objectArg(config, 'prepareRun', 'config');
  objectArg(inputs, 'prepareRun', 'inputs');
  backendArg(inputs.backend, 'prepareRun', 'inputs.backend');
  const { data, test, backend } = inputs;
  const dataName = inputs.names?.data ?? 'data';
  const testName = inputs.names?.test ?? 'test data';
  const readout = readoutOf(data);
  if (test) {
    // Held-out data may have another length T (the recurrence runs for any T), not another d or readout.
    if (test.d !== data.d)
      throw new ValidationError(`${testName}: d = ${test.d} but the training data has d = ${data.d}`);
    if (readoutOf(test) !== readout) {
      throw new ValidationError(
        `${testName}: targets are for readout '${readoutOf(test)}' but the training data's are for readout '${readout}'`,
      );
    }
  }
  const { model } = config;
  if (model.readout !== undefined && model.readout !== readout) {
    throw new ValidationError(
      `${dataName}: targets are for readout '${readout}' but the model asks for readout '${model.readout}'`,
    );
  }
  if (model.d !== undefined && model.d !== data.d)
    throw new ValidationError(`${dataName}: d = ${data.d} but the model config says d = ${model.d}`);
  const params = initialize({ ...model, d: data.d, readout }, config.init);
  return {
    spec: params.spec,
    params,
    data,
    test,
    backend,
    trainer: (start: TrainerStart = {}) =>
      new Trainer({
        backend,
        params: start.from?.params ?? params,
        data,
        test,
        train: start.train ?? config.train,
        resume: start.from?.resume,
        linearized: start.linearized,
        memoryBudget: start.memoryBudget,
        kernelEvery: start.kernelEvery,
        kernelSamples: start.kernelSamples,
        divergenceHint: etaMaxHint,
      }),
  };
}
