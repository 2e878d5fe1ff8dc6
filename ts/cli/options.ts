/**
 * Shared CLI options and long-command plumbing: number/count/backend parsing that names the option,
 * the one interrupt policy (SIGINT/SIGTERM) for every long command, the worker-count rule and the
 * progress reporter (a bar on a terminal, a line every few seconds otherwise).
 */
import { W_INITS, type BackendName, type WInit } from '../core/types.js';
import cliProgress from 'cli-progress';
import { Option } from 'commander';
import { UsageError } from '../core/errors.js';
import { parseBackendName } from '../backend/index.js';

/** Parses a numeric option, naming the option when the value is not a finite number. */
export function parseNumber(name: string, raw: string | undefined): number | undefined {
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isFinite(value)) {
    throw new UsageError(`option --${name}: expected a finite number, got '${raw}'`);
  }
  return value;
}

/** Parses an integer option >= min (and <= max when given). */
export function parseCount(name: string, raw: string | undefined, min: number, max?: number): number | undefined {
  const v = parseNumber(name, raw);
  if (v === undefined) return undefined;
  if (!Number.isSafeInteger(v) || v < min)
    throw new UsageError(`option --${name}: expected an integer >= ${min}, got '${raw}'`);
  if (max !== undefined && v > max) throw new UsageError(`option --${name}: at most ${max} is supported, got '${raw}'`);
  return v;
}

/** The --backend option of every command: one wording, parsed by parseBackendOption. */
export const backendOption = (): Option =>
  new Option(
    '--backend <name>',
    'auto (default: native when its addon loads, else wasm; RNN_GD_BACKEND overrides), native, wasm or ts',
  );

/** Parses --backend (default auto). */
export const parseBackendOption = (raw: string | undefined, option = 'backend'): BackendName =>
  parseBackendName(raw, `option --${option}`);

/** The exit code of a command stopped by a signal: 128 + the signal number (SIGINT 130, SIGTERM 143). */
export const signalExitCode = (sig: NodeJS.Signals | null): number => (sig === 'SIGTERM' ? 143 : 130);

export interface Interrupt {
  readonly signal: AbortSignal;
  /** The first signal received, or null. */
  readonly received: NodeJS.Signals | null;
  /** 130 after SIGINT, 143 after SIGTERM. */
  exitCode(): number;
  dispose(): void;
}

/**
 * The interrupt policy of every long command: the first SIGINT or SIGTERM aborts `signal` (the
 * command stops at its next safe point with everything written); a second one exits at once with
 * 130 / 143 (what is on disk is consistent: every writer is atomic or appends whole lines).
 */
export function interruptController(opts: { onFirst?: () => void; message?: string } = {}): Interrupt {
  const controller = new AbortController();
  let received: NodeJS.Signals | null = null;
  const handler = (sig: NodeJS.Signals) => {
    if (controller.signal.aborted) {
      process.stderr.write(`\nrnn-gd: second interrupt (${sig}), exiting now\n`);
      process.exit(signalExitCode(received));
    }
    received = sig;
    opts.onFirst?.();
    if (opts.message) process.stderr.write(`\nrnn-gd: ${opts.message}\n`);
    controller.abort(sig);
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: controller.signal,
    get received() {
      return received;
    },
    exitCode: () => signalExitCode(received),
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Milliseconds as '42s', '3m07s' or '2h05m' ('?' when unknown). */
export function formatDuration(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '?';
  const s = Math.round(Math.max(0, ms) / 1000);
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

/** Off a terminal: a progress line each time this many more percent are done ... */
const PROGRESS_STEP_PERCENT = 5;
/** ... and at least this often while the work runs (a cluster log shows where a long run is). */
export const PROGRESS_EVERY_MS = 60_000;

/** One progress event: `done` of `total` units, with optional counts and an estimate. */
export interface ProgressEvent {
  done: number;
  total: number;
  failed?: number;
  running?: number;
  elapsedMs?: number;
  etaMs?: number | null;
  /** Short text shown after the counts ('risk 1.2e-3'). */
  detail?: string;
  /** False for events that only change the running count (not shown off a terminal). */
  finished?: boolean;
  /** `total` is an estimate (a sweep's width searches): shown as '~total'. */
  estimated?: boolean;
}

export interface ProgressReporter {
  /** `upTo`: `total` is a bound (a width-searched sweep runs fewer points): said so in the first line. */
  start(total: number, done?: number, upTo?: boolean): void;
  update(p: ProgressEvent): void;
  stop(): void;
}

/**
 * A progress display on stderr for a long command: a bar on a terminal, otherwise plain lines (one
 * per few percent or per minute, with the ETA, and at the end); `quiet`: nothing. `unit` names what
 * is counted ('points', 'steps').
 */
export function progressReporter(label: string, opts: { quiet?: boolean; unit?: string } = {}): ProgressReporter {
  const unit = opts.unit ?? 'points';
  if (opts.quiet) return { start() {}, update() {}, stop() {} };
  const counts = (p: ProgressEvent) =>
    [
      p.failed !== undefined ? `${p.failed} failed` : null,
      p.running !== undefined ? `${p.running} running` : null,
      p.detail ?? null,
    ]
      .filter(Boolean)
      .join(' | ');
  const totalText = (p: ProgressEvent) => `${p.estimated ? '~' : ''}${p.total}`;
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      {
        format: `${label} [{bar}] {value}/{totalText} ${unit} | {counts} | {elapsedText} elapsed | ETA {etaText}`,
        stream: process.stderr,
        hideCursor: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let active = false;
    return {
      start(total, done = 0) {
        active = true;
        bar.start(total, done, { counts: '', etaText: '?', elapsedText: '0s', totalText: String(total) });
      },
      update(p) {
        if (!active) return;
        bar.setTotal(p.total);
        bar.update(p.done, {
          totalText: totalText(p),
          counts: counts(p),
          etaText: formatDuration(p.etaMs),
          elapsedText: formatDuration(p.elapsedMs),
        });
      },
      stop() {
        if (active) bar.stop();
        active = false;
      },
    };
  }
  // Off a terminal (a Slurm or pod log): plain lines, one per PROGRESS_STEP_PERCENT of the work or
  // per PROGRESS_EVERY_MS, whichever comes first, each with the ETA; a timer keeps the per-minute
  // lines coming while long points run.
  let lastLine = 0;
  let lastStep = 0;
  let last: (ProgressEvent & { at: number }) | null = null;
  let timer: ReturnType<typeof setInterval> | null = null;
  const line = (p: ProgressEvent, sinceMs = 0) => {
    lastLine = Date.now();
    const c = counts(p);
    const pct = p.total > 0 ? Math.floor((100 * p.done) / p.total) : 100;
    const eta = p.etaMs === null || p.etaMs === undefined ? p.etaMs : Math.max(0, p.etaMs - sinceMs);
    process.stderr.write(
      `${label}: ${p.done}/${totalText(p)} ${unit} (${pct}%)${c ? `, ${c}` : ''}, ` +
        `elapsed ${formatDuration((p.elapsedMs ?? 0) + sinceMs)}, ETA ${p.done >= p.total ? '0s' : formatDuration(eta)}\n`,
    );
  };
  return {
    start(total, done = 0, upTo = false) {
      process.stderr.write(
        upTo
          ? `${label}: up to ${total} ${unit} to run (the width searches need fewer; the total below is their estimate)\n`
          : `${label}: ${total} ${unit} to run\n`,
      );
      lastLine = Date.now();
      lastStep = total > 0 ? Math.floor((100 * done) / total / PROGRESS_STEP_PERCENT) : 0;
      timer ??= setInterval(() => {
        if (last && Date.now() - lastLine >= PROGRESS_EVERY_MS) line(last, Date.now() - last.at);
      }, PROGRESS_EVERY_MS / 4);
      timer.unref?.();
    },
    update(p) {
      last = { ...p, at: Date.now() };
      if (p.finished === false) return;
      const step = p.total > 0 ? Math.floor((100 * p.done) / p.total / PROGRESS_STEP_PERCENT) : 0;
      if (p.done >= p.total || step > lastStep || Date.now() - lastLine >= PROGRESS_EVERY_MS) {
        lastStep = step;
        line(p);
      }
    },
    stop() {
      if (timer) clearInterval(timer);
      timer = null;
    },
  };
}

/**
 * `--w-law <law>`: Deprecated; use --w-init (the law of the diagonal w_i(0), WInit). A hidden alias,
 * refused together with --w-init. Read the value with `wInitOf`.
 */
export const wLawAlias = (): Option =>
  new Option('--w-law <law>', 'the same as --w-init (an alias)').hideHelp().conflicts('wInit');
/** The law `--w-init` (or its alias) names, checked against W_INITS; undefined when neither is given. */
export function wInitOf(raw: { wInit?: string; wLaw?: string }): WInit | undefined {
  const value = raw.wLaw ?? raw.wInit;
  if (value === undefined || (W_INITS as readonly string[]).includes(value)) return value as WInit | undefined;
  throw new UsageError(
    `option --w-init: expected ${W_INITS.slice(0, -1).join(', ')} or ${W_INITS.at(-1)}, got '${value}'`,
  );
}
