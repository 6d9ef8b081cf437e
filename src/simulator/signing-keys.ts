import { createHash, generateKeyPair, type KeyObject } from 'node:crypto';
import { promisify } from 'node:util';

const generateRsaKeyPair = promisify(generateKeyPair);

const RSA_MODULUS_BITS = 2048;
/** Old keys kept in the JWKS at most (rotating with keepPrevious forever must not grow it without end). */
const MAX_PUBLISHED_KEYS = 5;

export interface PublicJwk {
  kty: 'RSA';
  n: string;
  e: string;
  kid: string;
  alg: 'RS256';
  use: 'sig';
}

export interface SigningKey {
  kid: string;
  privateKey: KeyObject;
  publicJwk: PublicJwk;
}

/**
 * The RS256 keys id_tokens are signed with: the newest signs, older ones may stay published. Each key is
 * generated on first need, off the event loop (~0.2 s of CPU), so a simulator that never signs never pays.
 */
export class SigningKeys {
  private current: Promise<SigningKey> | undefined;
  private previous: Promise<SigningKey>[] = [];

  /** The key that signs now. */
  signingKey(): Promise<SigningKey> {
    this.current ??= newSigningKey();
    return this.current;
  }

  /** The JWKS document: the signing key first, then the older ones still published. */
  async jwks(): Promise<{ keys: PublicJwk[] }> {
    const keys = await Promise.all([this.signingKey(), ...this.previous]);
    return { keys: keys.map((key) => key.publicJwk) };
  }

  /** A new key signs from now on; the one before stays published when `keepPrevious`, else every old one goes. */
  async rotate(keepPrevious: boolean): Promise<void> {
    const before = this.signingKey();
    this.previous = keepPrevious ? [before, ...this.previous].slice(0, MAX_PUBLISHED_KEYS - 1) : [];
    this.current = newSigningKey();
    await this.current;
  }
}

async function newSigningKey(): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateRsaKeyPair('rsa', { modulusLength: RSA_MODULUS_BITS });
  const { n, e } = publicKey.export({ format: 'jwk' });
  const kid = thumbprint(n!, e!);
  return { kid, privateKey, publicJwk: { kty: 'RSA', n: n!, e: e!, kid, alg: 'RS256', use: 'sig' } };
}

/** RFC 7638 JWK thumbprint, the usual kid. */
function thumbprint(n: string, e: string): string {
  return createHash('sha256')
    .update(JSON.stringify({ e, kty: 'RSA', n }))
    .digest('base64url');
}
