/**
 * The example scheduler files in docs/jobs run as written: the Slurm array script per task (with the
 * environment Slurm sets) and the Kubernetes Indexed Job's shell per completion index, then their
 * merge steps; the merged sweep has every point and a report.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { BACKEND, CLI, ROOT, readLines, tempDir } from './helpers.js';

const env = (extra: Record<string, string>) => ({
  ...process.env,
  EXP: 'E4',
  SIZE: 'quick',
  RNN_GD: `${process.execPath} ${CLI}`,
  RNN_GD_ARGS: `--seeds 1 --backend ${BACKEND}`,
  ...extra,
});

/** The block scalar after `args:` / `- |` in a job file: the container's shell script. */
function containerScript(yaml: string): string {
  const lines = yaml.split('\n');
  const start = lines.findIndex((l) => /^\s*- \|\s*$/.test(l));
  const indent = lines[start + 1].match(/^\s*/)![0].length;
  const body: string[] = [];
  for (const l of lines.slice(start + 1)) {
    if (l.trim() !== '' && l.match(/^\s*/)![0].length < indent) break;
    body.push(l.slice(indent));
  }
  return body.join('\n');
}

describe('docs/jobs', () => {
  it('Slurm array tasks (ids 1..3) and the merge job give the whole sweep', () => {
    const results = tempDir('slurm');
    for (const id of [1, 2, 3]) {
      const r = spawnSync('bash', [join(ROOT, 'docs/jobs/slurm-array.sbatch')], {
        encoding: 'utf8',
        env: env({
          RESULTS: results,
          SLURM_ARRAY_TASK_ID: String(id),
          SLURM_ARRAY_TASK_MIN: '1',
          SLURM_ARRAY_TASK_MAX: '3',
          SLURM_CPUS_PER_TASK: '1',
        }),
      });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      expect(r.stdout).toMatch(new RegExp(`shard ${id}/3`));
    }
    const m = spawnSync('bash', [join(ROOT, 'docs/jobs/slurm-merge.sbatch')], {
      encoding: 'utf8',
      env: env({ RESULTS: results }),
    });
    expect(m.status, m.stderr).toBe(0);
    const merged = join(results, 'E4-quick/merged');
    expect(readLines(join(merged, 'points.jsonl')).map((l) => l.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(existsSync(join(merged, 'report.md'))).toBe(true);
  });

  it('Kubernetes Indexed Job pods (indices 0..1) and the merge job give the whole sweep', () => {
    const results = tempDir('k8s');
    const job = readFileSync(join(ROOT, 'docs/jobs/k8s-indexed-job.yaml'), 'utf8');
    expect(job).toMatch(/completionMode: Indexed/);
    const script = containerScript(job);
    for (const index of [0, 1]) {
      const r = spawnSync('/bin/sh', ['-c', script], {
        encoding: 'utf8',
        env: env({ RESULTS: results, SHARDS: '2', WORKERS: '1', JOB_COMPLETION_INDEX: String(index) }),
      });
      expect(r.status, r.stderr + r.stdout).toBe(0);
    }
    const merge = containerScript(readFileSync(join(ROOT, 'docs/jobs/k8s-merge-job.yaml'), 'utf8'));
    const m = spawnSync('/bin/sh', ['-c', merge], { encoding: 'utf8', env: env({ RESULTS: results }) });
    expect(m.status, m.stderr).toBe(0);
    expect(readLines(join(results, 'E4-quick/merged/points.jsonl')).length).toBe(6);
  });
});
