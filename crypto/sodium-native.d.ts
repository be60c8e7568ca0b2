/**
 * The part of sodium-native (libsodium bindings, prebuilt for Linux x64 in the npm package)
 * fedcredit uses: Ed25519 signing and verification, which libsodium does 2-2.5x faster than
 * node:crypto's OpenSSL on this machine (crypto/identity.ts).
 */
declare module 'sodium-native' {
  export const crypto_sign_BYTES: number;
  export const crypto_sign_SECRETKEYBYTES: number;
  export const crypto_sign_PUBLICKEYBYTES: number;
  export function crypto_sign_detached(signature: Uint8Array, message: Uint8Array, secretKey: Uint8Array): void;
  export function crypto_sign_verify_detached(signature: Uint8Array, message: Uint8Array, publicKey: Uint8Array): boolean;
  const sodium: {
    crypto_sign_BYTES: number;
    crypto_sign_SECRETKEYBYTES: number;
    crypto_sign_PUBLICKEYBYTES: number;
    crypto_sign_detached: typeof crypto_sign_detached;
    crypto_sign_verify_detached: typeof crypto_sign_verify_detached;
  };
  export default sodium;
}
