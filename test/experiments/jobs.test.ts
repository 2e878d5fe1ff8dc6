/**
 * The example scheduler files in docs/jobs run as written: the Slurm array script per task (with the
 * environment Slurm sets) and the Kubernetes Indexed Job's shell per completion index, then their
 * merge steps; the merged sweep has every point and a report. The Kubernetes manifests are parsed
 * and checked for the fields the docs rely on; no cluster runs here (a real Slurm cluster does, in
 * scripts/test-slurm.sh).
 */
import { tempDir } from '../support/fs.js';
import { CLI, ROOT } from '../support/paths.js';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { BACKEND, readLines, stable } from './helpers.js';

const env = (extra: Record<string, string>) => ({
  ...process.env,
  EXP: 'E4',
  SIZE: 'quick',
  RNN_GD: `${process.execPath} ${CLI}`,
  RNN_GD_ARGS: `--seeds 1 --backend ${BACKEND}`,
  ...extra,
});

type Manifest = Record<string, any>;

/** The YAML documents of a file in docs/jobs. */
const manifests = (file: string): Manifest[] =>
  parseAllDocuments(readFileSync(join(ROOT, 'docs/jobs', file), 'utf8')).map((d) => {
    expect(d.errors).toEqual([]);
    return d.toJS() as Manifest;
  });

/** A container's env list as an object. */
const envOf = (c: Manifest): Record<string, string> =>
  Object.fromEntries((c.env as { name: string; value: string }[]).map((e) => [e.name, e.value]));

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

  it('the job scripts take scheduler variables as decimal integers only: no code from them, 08 is 8', () => {
    const dir = tempDir('jobs-hostile');
    const witness = join(dir, 'ran');
    const slurm = (vars: Record<string, string>) =>
      spawnSync('bash', [join(ROOT, 'docs/jobs/slurm-array.sbatch')], {
        encoding: 'utf8',
        env: env({ RESULTS: dir, RNN_GD: 'echo', SLURM_ARRAY_TASK_MIN: '1', SLURM_ARRAY_TASK_MAX: '9', ...vars }),
      });
    const job = manifests('k8s-indexed-job.yaml').find((d) => d.kind === 'Job')!;
    const c = job.spec.template.spec.containers[0];
    const pod = (vars: Record<string, string>) =>
      spawnSync('/bin/bash', ['-c', c.args[0]], {
        encoding: 'utf8',
        env: env({ ...envOf(c), RESULTS: dir, RNN_GD: 'echo', ...vars }),
      });
    const hostile = [`HOME[$(touch ${witness})]`, `x[$(touch ${witness})]`, '1+1', '0x1', ' 1', '-1', '', '1e3'];
    for (const value of hostile) {
      for (const name of [
        'SLURM_ARRAY_TASK_ID',
        'SLURM_ARRAY_TASK_MIN',
        'SLURM_ARRAY_TASK_MAX',
        'SLURM_CPUS_PER_TASK',
      ]) {
        if (value === '' && name !== 'SLURM_ARRAY_TASK_ID') continue; // empty means the default
        const r = slurm({ SLURM_ARRAY_TASK_ID: '2', [name]: value });
        expect(r.status, `${name}=${value}: ${r.stdout}`).not.toBe(0);
        expect(r.stderr).toContain(name);
      }
      const k = pod({ JOB_COMPLETION_INDEX: value });
      expect(k.status, `JOB_COMPLETION_INDEX=${value}`).toBe(2);
      expect(k.stderr).toContain('JOB_COMPLETION_INDEX must be a decimal integer');
    }
    expect(existsSync(witness)).toBe(false);
    const octal = slurm({ SLURM_ARRAY_TASK_ID: '08', SLURM_ARRAY_TASK_MAX: '09' });
    expect(octal.status, octal.stderr).toBe(0);
    expect(octal.stdout).toMatch(/--shard 8\/9 /);
    const outside = slurm({ SLURM_ARRAY_TASK_ID: '12' });
    expect(outside.status).toBe(2);
    expect(outside.stderr).toMatch(/outside the array 1-9/);
    const k8 = pod({ JOB_COMPLETION_INDEX: '07', SHARDS: '8' });
    expect(k8.status, k8.stderr).toBe(0);
    expect(k8.stdout).toMatch(/--shard 8\/8 /);
  });

  it('the Kubernetes manifests parse and name the fields the docs rely on', () => {
    const docs = manifests('k8s-indexed-job.yaml');
    const pvc = docs.find((d) => d.kind === 'PersistentVolumeClaim')!;
    const job = docs.find((d) => d.kind === 'Job')!;
    expect(pvc.spec.accessModes).toEqual(['ReadWriteMany']);
    expect(job.apiVersion).toBe('batch/v1');
    expect(job.spec.completionMode).toBe('Indexed');
    const pod = job.spec.template.spec;
    expect(pod.restartPolicy).toBe('OnFailure');
    const c = pod.containers[0];
    const env = envOf(c);
    // one pod per shard: completions = SHARDS, and a restarted pod must have retries left
    expect(job.spec.completions).toBe(Number(env.SHARDS));
    expect(job.spec.parallelism).toBeLessThanOrEqual(job.spec.completions);
    expect(job.spec.backoffLimit).toBeGreaterThanOrEqual(job.spec.completions);
    expect(Object.keys(env)).toEqual(expect.arrayContaining(['EXP', 'SIZE', 'SHARDS', 'WORKERS', 'RESULTS']));
    expect(c.command).toEqual(['/bin/sh', '-c']);
    expect(c.args).toHaveLength(1);
    expect(c.args[0]).toMatch(/K=\$\(\(INDEX \+ 1\)\)/); // INDEX: JOB_COMPLETION_INDEX checked as a decimal integer
    expect(c.args[0]).toMatch(/--resume/);
    expect(Number(c.resources.requests.cpu)).toBe(Number(env.WORKERS));
    // results on the claimed volume, mounted where RESULTS points
    expect(c.volumeMounts[0].mountPath).toBe(env.RESULTS);
    const vol = pod.volumes.find((v: { name: string }) => v.name === c.volumeMounts[0].name);
    expect(vol.persistentVolumeClaim.claimName).toBe(pvc.metadata.name);

    const merge = manifests('k8s-merge-job.yaml').find((d) => d.kind === 'Job')!;
    const mc = merge.spec.template.spec.containers[0];
    const menv = envOf(mc);
    expect(mc.image).toBe(c.image);
    for (const k of ['EXP', 'SIZE', 'RESULTS']) expect(menv[k]).toBe(env[k]);
    expect(mc.volumeMounts[0].mountPath).toBe(menv.RESULTS);
    expect(merge.spec.template.spec.volumes[0].persistentVolumeClaim.claimName).toBe(pvc.metadata.name);
    expect(mc.args[0]).toMatch(/shard-\*-of-\*/);
  });

  it('each Indexed Job pod (JOB_COMPLETION_INDEX set) writes its shard, equal to that share of an unsharded run', () => {
    const results = tempDir('k8s');
    const job = manifests('k8s-indexed-job.yaml').find((d) => d.kind === 'Job')!;
    const c = job.spec.template.spec.containers[0];
    const script: string = c.args[0];
    const shards = 2;
    // the manifest's environment, with a small sweep (E4 quick, 1 seed) in 2 shards
    const podEnv = { ...envOf(c), EXP: 'E4', SIZE: 'quick', RESULTS: results, SHARDS: String(shards), WORKERS: '1' };
    const ref = join(results, 'unsharded');
    const refRun = spawnSync(
      process.execPath,
      [
        CLI,
        'experiment',
        'run',
        'E4',
        '--size',
        'quick',
        '--seeds',
        '1',
        '--backend',
        BACKEND,
        '--workers',
        '1',
        '--out',
        ref,
        '--quiet',
        '--no-report',
      ],
      { encoding: 'utf8' },
    );
    expect(refRun.status, refRun.stderr).toBe(0);
    const reference = stable(readLines(join(ref, 'points.jsonl')));
    for (const index of [0, 1]) {
      const r = spawnSync('/bin/sh', ['-c', script], {
        encoding: 'utf8',
        env: env({ ...podEnv, JOB_COMPLETION_INDEX: String(index) }),
      });
      expect(r.status, r.stderr + r.stdout).toBe(0);
      const k = index + 1;
      expect(r.stdout).toMatch(new RegExp(`shard ${k}/${shards}`));
      const shard = stable(readLines(join(results, `E4-quick/shard-${k}-of-${shards}/points.jsonl`)));
      expect(shard.map((l) => l.index % shards)).toEqual(shard.map(() => index));
      expect(shard).toEqual(reference.filter((l) => l.index % shards === index));
    }
    const merge = manifests('k8s-merge-job.yaml').find((d) => d.kind === 'Job')!;
    const mscript: string = merge.spec.template.spec.containers[0].args[0];
    const m = spawnSync('/bin/sh', ['-c', mscript], { encoding: 'utf8', env: env({ RESULTS: results }) });
    expect(m.status, m.stderr).toBe(0);
    expect(stable(readLines(join(results, 'E4-quick/merged/points.jsonl')))).toEqual(reference);
  });
});
