import { Logger } from '@nestjs/common';
import {
  createPrivateKey,
  createPublicKey,
  createSecretKey,
  KeyObject,
  randomBytes,
} from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { AppConfig, JwtAlgorithm } from '../../config/configuration';

/**
 * Keys as KeyObjects, parsed once at boot: handed a string, jsonwebtoken first tries to parse it as
 * a PEM key on every sign and verify, which measured about 1 ms of CPU per request.
 */
export interface JwtKeys {
  algorithm: JwtAlgorithm;
  signingKey: KeyObject;
  verificationKey: KeyObject;
}

const secretKeys = (secret: string): Pick<JwtKeys, 'signingKey' | 'verificationKey'> => {
  const key = createSecretKey(Buffer.from(secret, 'utf8'));
  return { signingKey: key, verificationKey: key };
};

/**
 * The keys access tokens are signed and checked with. Nothing is hard-coded: HS256 uses JWT_SECRET,
 * or (outside production only, enforced by config validation) a random secret generated on first
 * start and kept in DATA_DIR so tokens survive a restart.
 */
export function resolveJwtKeys(config: Pick<AppConfig, 'jwt' | 'dataDir'>): JwtKeys {
  const { jwt } = config;
  if (jwt.algorithm !== 'HS256') {
    if (!jwt.privateKey || !jwt.publicKey) throw new Error('JWT key pair missing');
    return {
      algorithm: jwt.algorithm,
      signingKey: createPrivateKey(jwt.privateKey),
      verificationKey: createPublicKey(jwt.publicKey),
    };
  }
  if (jwt.secret) return { algorithm: 'HS256', ...secretKeys(jwt.secret) };

  const file = join(config.dataDir, 'jwt-secret');
  if (!existsSync(file)) {
    mkdirSync(config.dataDir, { recursive: true });
    try {
      writeFileSync(file, randomBytes(48).toString('base64url'), { mode: 0o600, flag: 'wx' });
      new Logger('JwtKeys').warn({ event: 'jwt.secret.generated', file });
    } catch (error) {
      // Another process created it between our check and our write: use theirs.
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
  const secret = readFileSync(file, 'utf8').trim();
  if (secret.length < 32) throw new Error(`${file} holds a secret shorter than 32 characters`);
  return { algorithm: 'HS256', ...secretKeys(secret) };
}
