import { createPrivateKey, createPublicKey, createSecretKey, KeyObject } from 'node:crypto';
import type { AppConfig, JwtAlgorithm } from '../../config/configuration';
import { dataDirSecret } from './data-dir-secret';

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

  const secret = dataDirSecret(config.dataDir, 'jwt-secret');
  return { algorithm: 'HS256', ...secretKeys(secret) };
}
