// Temporary directories for tests, one helper: a fresh directory under the OS's tmpdir.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const tempDir = (prefix = 'test'): string => mkdtempSync(join(tmpdir(), `rnn-gd-${prefix}-`));
