import { Inject, Injectable } from '@nestjs/common';
import { ConfigService } from '@nestjs/config';
import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';
import type { AppConfig } from '../../../config/configuration';
import { dataDirSecret } from '../data-dir-secret';

const VERSION = 'v1';
const IV_BYTES = 12;

/**
 * Encrypts TOTP secrets at rest with AES-256-GCM under TWO_FACTOR_KEY (or a key generated once in
 * DATA_DIR): a database dump alone does not let anyone compute a user's codes. Stored as
 * `v1.<iv>.<tag>.<ciphertext>`, base64url.
 */
@Injectable()
export class SecretBox {
  private readonly key: Buffer;

  constructor(@Inject(ConfigService) config: ConfigService<AppConfig, true>) {
    const configured = config.get('twoFactor', { infer: true }).key;
    const secret =
      configured ?? dataDirSecret(config.get('dataDir', { infer: true }), 'two-factor-key');
    this.key = createHash('sha256').update(secret, 'utf8').digest();
  }

  seal(plain: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    const body = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((part) => (typeof part === 'string' ? part : part.toString('base64url')))
      .join('.');
  }

  /** Throws when the value was not sealed with this key (tampered, or the key changed). */
  open(sealed: string): string {
    const [version, iv, tag, body] = sealed.split('.');
    if (version !== VERSION || !iv || !tag || body === undefined) {
      throw new Error('not a sealed two-factor secret');
    }
    const decipher = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv, 'base64url'));
    decipher.setAuthTag(Buffer.from(tag, 'base64url'));
    return Buffer.concat([
      decipher.update(Buffer.from(body, 'base64url')),
      decipher.final(),
    ]).toString('utf8');
  }
}
