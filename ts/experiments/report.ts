/**
 * Reports written into sweep directories (Node): the files of ./report-build.ts (summary.csv,
 * NAME.vl.json and NAME.svg per plot, report.json, report.md); and an index of several verdicts.
 */
import { readdirSync, existsSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { writeFileAtomic } from '../io/npy.js';
import { withInputs } from '../io/inputs.js';
import { MANIFEST_FILE, POINTS_FILE, readManifest, readPoints } from './checkpoint.js';
import { mdTable } from './common.js';
import { mdText } from './markdown.js';
import type { Analysis } from './experiment.js';
import { buildReport, reportFiles, type ReportOptions } from './report-build.js';

export {
  buildReport,
  reportFiles,
  summaryCsv,
  SUMMARY_METRICS,
  type BuiltReport,
  type ReportOptions,
} from './report-build.js';

export interface WrittenReport {
  dir: string;
  experiment: string;
  verdict: Analysis['verdict'];
  reason: string;
  reportPath: string;
  files: string[];
}

/** Writes the report files of one sweep directory. */
export async function writeReport(dir: string, opts: ReportOptions = {}): Promise<WrittenReport> {
  const manifest = readManifest(dir);
  const results = readPoints(dir);
  const built = await buildReport(manifest, results, opts);
  const files: string[] = [];
  // A report file that is (a link to) the sweep's own files is refused, never written through.
  const inputs = [MANIFEST_FILE, POINTS_FILE].map((f) => ({ option: 'sweep file', path: join(dir, f) }));
  withInputs(inputs, () => {
    for (const f of reportFiles(built)) {
      writeFileAtomic(join(dir, f.name), f.text);
      files.push(f.name);
    }
  });
  return {
    dir,
    experiment: manifest.experiment,
    verdict: built.analysis.verdict,
    reason: built.analysis.reason,
    reportPath: join(dir, 'report.md'),
    files,
  };
}

/** Sweep directories at `dir` (itself, or its immediate subdirectories holding sweep.json). */
export function findSweepDirs(dir: string): string[] {
  if (existsSync(join(dir, MANIFEST_FILE))) return [dir];
  if (!existsSync(dir) || !statSync(dir).isDirectory()) return [];
  return readdirSync(dir)
    .map((name) => join(dir, name))
    .filter((p) => existsSync(join(p, MANIFEST_FILE)))
    .sort();
}

/**
 * A short index of several experiments' verdicts (markdown), e.g. for the demo, written into
 * `indexDir`: each link is the report's path relative to it, whatever the directories are called.
 */
export function indexMarkdown(reports: WrittenReport[], indexDir: string, title = 'rnn-gd experiments'): string {
  const link = (r: WrittenReport) => {
    const rel = relative(indexDir, r.reportPath).split(sep).join('/');
    // encodeURIComponent leaves ( ) ! ' * unencoded: a ')' would end the link's destination.
    const href = rel
      .split('/')
      .map((part) =>
        encodeURIComponent(part).replace(/[()!'*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`),
      );
    return `[${mdText(rel)}](${href.join('/')})`;
  };
  return [
    `# ${title}`,
    '',
    mdTable(
      ['experiment', 'verdict', 'reason', 'report'],
      reports.map((r) => [mdText(r.experiment), `**${mdText(r.verdict)}**`, r.reason.replace(/\|/g, '/'), link(r)]),
    ),
    '',
  ].join('\n');
}
