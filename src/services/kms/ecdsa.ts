// ECDSA over a precomputed digest (KMS MessageType DIGEST), which node:crypto cannot do (it
// always hashes). Plain BigInt arithmetic on the curve (FIPS 186-4 §6.4); signatures are
// DER-encoded as KMS returns them. Curve constants from `openssl ecparam -param_enc explicit`.
import { randomBytes, type KeyObject } from 'node:crypto';

interface Curve { p: bigint; a: bigint; n: bigint; gx: bigint; gy: bigint }
const CURVES: Record<string, Curve> = {
  prime256v1: { p: 0xffffffff00000001000000000000000000000000ffffffffffffffffffffffffn, a: 0xffffffff00000001000000000000000000000000fffffffffffffffffffffffcn, n: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n, gx: 0x6b17d1f2e12c4247f8bce6e563a440f277037d812deb33a0f4a13945d898c296n, gy: 0x4fe342e2fe1a7f9b8ee7eb4a7c0f9e162bce33576b315ececbb6406837bf51f5n },
  secp384r1: { p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000ffffffffn, a: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffeffffffff0000000000000000fffffffcn, n: 0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n, gx: 0xaa87ca22be8b05378eb1c71ef320ad746e1d3b628ba79b9859f741e082542a385502f25dbf55296c3a545e3872760ab7n, gy: 0x3617de4a96262c6f5d9e98bf9292dc29f8f41dbd289a147ce9da3113b5f0b8c00a60b1ce1d7e819d7a431d7c90ea0e5fn },
  secp521r1: { p: 0x1ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffn, a: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffcn, n: 0x1fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n, gx: 0xc6858e06b70404e9cd9e3ecb662395b4429c648139053fb521f828af606b4d3dbaa14b5e77efe75928fe1dc127a2ffa8de3348b3c1856a429bf97e7e31c2e5bd66n, gy: 0x11839296a789a3bc0045c8a5fb42c7d1bd998f54449579b446817afbd17273e662c97ee72995ef42640c550b9013fad0761353c7086a272c24088be94769fd16650n },
  secp256k1: { p: 0xfffffffffffffffffffffffffffffffffffffffffffffffffffffffefffffc2fn, a: 0x0n, n: 0xfffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141n, gx: 0x79be667ef9dcbbac55a06295ce870b07029bfcdb2dce28d959f2815b16f81798n, gy: 0x483ada7726a3c4655da4fbfc0e1108a8fd17b448a68554199c47d08ffb10d4b8n },
};

type Pt = { x: bigint; y: bigint } | null;

const mod = (a: bigint, m: bigint) => { const r = a % m; return r < 0n ? r + m : r; };
function inv(a: bigint, m: bigint): bigint {
  let [r0, r1] = [mod(a, m), m];
  let [s0, s1] = [1n, 0n];
  while (r1 !== 0n) { const q = r0 / r1; [r0, r1] = [r1, r0 - q * r1]; [s0, s1] = [s1, s0 - q * s1]; }
  return mod(s0, m);
}

function add(c: Curve, P: Pt, Q: Pt): Pt {
  if (!P) return Q;
  if (!Q) return P;
  if (P.x === Q.x) {
    if (mod(P.y + Q.y, c.p) === 0n) return null;
    const l = mod((3n * P.x * P.x + c.a) * inv(2n * P.y, c.p), c.p);
    const x = mod(l * l - 2n * P.x, c.p);
    return { x, y: mod(l * (P.x - x) - P.y, c.p) };
  }
  const l = mod((Q.y - P.y) * inv(Q.x - P.x, c.p), c.p);
  const x = mod(l * l - P.x - Q.x, c.p);
  return { x, y: mod(l * (P.x - x) - P.y, c.p) };
}

function mul(c: Curve, k: bigint, P: Pt): Pt {
  let R: Pt = null;
  let A = P;
  while (k > 0n) { if (k & 1n) R = add(c, R, A); A = add(c, A, A); k >>= 1n; }
  return R;
}

const big = (b: Buffer) => (b.length ? BigInt('0x' + b.toString('hex')) : 0n);
const b64 = (s: string) => big(Buffer.from(s, 'base64url'));
const bitlen = (x: bigint) => x.toString(2).length;

function digestInt(c: Curve, digest: Buffer): bigint {
  const e = big(digest);
  const excess = digest.length * 8 - bitlen(c.n);
  return excess > 0 ? e >> BigInt(excess) : e;
}

function curveOf(key: KeyObject): Curve {
  const c = CURVES[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (!c) throw new Error('unsupported curve');
  return c;
}

function derInt(x: bigint): Buffer {
  let h = x.toString(16);
  if (h.length % 2) h = '0' + h;
  let b = Buffer.from(h, 'hex');
  if (b[0] & 0x80) b = Buffer.concat([Buffer.from([0]), b]);
  return Buffer.concat([Buffer.from([0x02, b.length]), b]);
}
function derSeq(body: Buffer): Buffer {
  const len = body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return Buffer.concat([Buffer.from([0x30]), len, body]);
}

export function ecdsaSignDigest(priv: KeyObject, digest: Buffer): Buffer {
  const c = curveOf(priv);
  const d = b64(priv.export({ format: 'jwk' }).d!);
  const e = digestInt(c, digest);
  for (;;) {
    const k = mod(big(randomBytes(Math.ceil(bitlen(c.n) / 8) + 8)), c.n - 1n) + 1n;
    const R = mul(c, k, { x: c.gx, y: c.gy })!;
    const r = mod(R.x, c.n);
    if (r === 0n) continue;
    const s = mod(inv(k, c.n) * (e + r * d), c.n);
    if (s === 0n) continue;
    return derSeq(Buffer.concat([derInt(r), derInt(s)]));
  }
}

function parseDer(sig: Buffer): [bigint, bigint] | undefined {
  if (sig[0] !== 0x30) return undefined;
  let i = 2;
  if (sig[1] & 0x80) i = 2 + (sig[1] & 0x7f);
  const out: bigint[] = [];
  for (let j = 0; j < 2; j++) {
    if (sig[i] !== 0x02) return undefined;
    const len = sig[i + 1];
    out.push(big(sig.subarray(i + 2, i + 2 + len)));
    i += 2 + len;
  }
  return i === sig.length ? [out[0], out[1]] : undefined;
}

export function ecdsaVerifyDigest(pub: KeyObject, digest: Buffer, sig: Buffer): boolean {
  const c = curveOf(pub);
  const rs = parseDer(sig);
  if (!rs) return false;
  const [r, s] = rs;
  if (r <= 0n || r >= c.n || s <= 0n || s >= c.n) return false;
  const jwk = pub.export({ format: 'jwk' });
  const Q = { x: b64(jwk.x!), y: b64(jwk.y!) };
  const w = inv(s, c.n);
  const X = add(c, mul(c, mod(digestInt(c, digest) * w, c.n), { x: c.gx, y: c.gy }), mul(c, mod(r * w, c.n), Q));
  return !!X && mod(X.x, c.n) === r;
}
