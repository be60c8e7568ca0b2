/**
 * The part of sodium-native (libsodium bindings, prebuilt for Linux x64 in the npm package)
 * fedcredit uses: Ed25519 signing and verification, which libsodium does 2-2.5x faster than
 * node:crypto's OpenSSL on this machine (crypto/identity.ts), and its public-key point check.
 */
declare module 'sodium-native' {
  export const crypto_sign_BYTES: number;
  export const crypto_sign_SECRETKEYBYTES: number;
  export const crypto_sign_PUBLICKEYBYTES: number;
  export function crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  export function crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  /** Canonical encoding, on the curve, not of small order, in the prime-order subgroup (32-byte input). */
  export function crypto_core_ed25519_is_valid_point(point: Uint8Array): boolean;
  const sodium: {
    crypto_sign_BYTES: number;
    crypto_sign_SECRETKEYBYTES: number;
    crypto_sign_PUBLICKEYBYTES: number;
    crypto_sign_detached: typeof crypto_sign_detached;
    crypto_sign_verify_detached: typeof crypto_sign_verify_detached;
    crypto_core_ed25519_is_valid_point: typeof crypto_core_ed25519_is_valid_point;
  };
  export default sodium;
}
