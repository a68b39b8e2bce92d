import { ConfigService } from '@nestjs/config';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type AppConfig, loadConfig } from '../../../config/configuration';
import { SecretBox } from './secret-box';

const boxWith = (env: Record<string, string>): SecretBox =>
  new SecretBox(new ConfigService<AppConfig, true>(loadConfig({ NODE_ENV: 'test', ...env })));

describe('SecretBox', () => {
  const key = 'k'.repeat(40);

  it('opens what it sealed; the sealed form does not contain the secret and differs each time', () => {
    const box = boxWith({ TWO_FACTOR_KEY: key });
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    expect(sealed).toMatch(/^v1\./);
    expect(sealed).not.toContain('JBSWY3DPEHPK3PXP');
    expect(box.seal('JBSWY3DPEHPK3PXP')).not.toBe(sealed);
    expect(box.open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });

  it('refuses a value sealed under another key, or tampered with', () => {
    const sealed = boxWith({ TWO_FACTOR_KEY: key }).seal('JBSWY3DPEHPK3PXP');
    expect(() => boxWith({ TWO_FACTOR_KEY: 'o'.repeat(40) }).open(sealed)).toThrow();
    const [version, iv, tag, body = ''] = sealed.split('.');
    const flipped = `${body.startsWith('A') ? 'B' : 'A'}${body.slice(1)}`;
    expect(() =>
      boxWith({ TWO_FACTOR_KEY: key }).open([version, iv, tag, flipped].join('.')),
    ).toThrow();
    expect(() => boxWith({ TWO_FACTOR_KEY: key }).open('JBSWY3DPEHPK3PXP')).toThrow();
  });

  it('without TWO_FACTOR_KEY, generates a key once in DATA_DIR and keeps using it', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'keel-secret-box-'));
    const sealed = boxWith({ DATA_DIR: dataDir }).seal('JBSWY3DPEHPK3PXP');
    expect(readFileSync(join(dataDir, 'two-factor-key'), 'utf8').length).toBeGreaterThanOrEqual(32);
    expect(boxWith({ DATA_DIR: dataDir }).open(sealed)).toBe('JBSWY3DPEHPK3PXP');
  });
});
