// `rnn-gd data generate`'s options come from the data systems' schemas: every field has an option
// whose help shows the schema's defaults, a new field needs no CLI edit, and each option reaches its
// field (--teacher-init did not when the options were a hand-kept table).
import { z } from 'zod';
import { describe, expect, it } from 'vitest';
import { dataConfigFromFlags } from '../../ts/cli/commands/data.js';
import { dataFlags } from '../../ts/cli/commands/data-flags.js';
import { dataConfigSchema } from '../../ts/data/systems.js';
import { runCliInProcess } from '../support/cli.js';

describe('data generate options', () => {
  it('one option per field of every system, with the schema defaults in its help', async () => {
    const help = (await runCliInProcess(['data', 'generate', '--help'])).stdout.replace(/\s+/g, ' ');
    const flags = new Map(dataFlags().map((f) => [f.key, f]));
    for (const variant of dataConfigSchema.options) {
      const defaults = variant.parse({ system: variant.shape.system.value }) as Record<string, unknown>;
      for (const key of Object.keys(variant.shape)) {
        if (['system', 'seed', 'inputs'].includes(key)) continue;
        const f = flags.get(key);
        expect(f, key).toBeDefined();
        expect(help).toContain(`--${f!.flag}`);
        if (typeof defaults[key] === 'number' || typeof defaults[key] === 'string')
          expect(f!.help, key).toMatch(
            new RegExp(`default ${defaults[key]}|${variant.shape.system.value}(, [a-z0-9-]+)*: ${defaults[key]}`),
          );
      }
    }
    expect(flags.get('d')!.help).toBe('input dimension (default 4; narma10: 1)');
  });

  it('a field no description knows still gets an option, named after it', () => {
    const extra = z.object({ system: z.literal('toy'), zetaScale: z.number().default(2) });
    const [f] = dataFlags([extra] as unknown as typeof dataConfigSchema.options);
    expect(f).toMatchObject({ key: 'zetaScale', flag: 'zeta-scale', attribute: 'zetaScale', kind: 'number' });
    expect(f.help).toBe('zetaScale (default 2)');
  });

  it('each option reaches its field: --teacher-init, --labels', () => {
    expect(dataConfigFromFlags({ system: 'dense-teacher', teacherInit: 'iid' })).toMatchObject({ init: 'iid' });
    expect(dataConfigFromFlags({ system: 'delay', labels: 'random' })).toMatchObject({ labels: 'random' });
  });
});
