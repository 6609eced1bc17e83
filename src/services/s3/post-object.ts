// Browser-based uploads: POST Object (S3 API reference RESTObjectPOST.html; S3 User Guide
// "Browser-based uploads using POST (AWS Signature Version 4)", "Creating a POST policy").
// The multipart/form-data body is parsed as it streams (busboy): the form fields come first,
// are checked against the base64 JSON policy and its SigV4 signature, then the file part is
// streamed into a blob, never whole in memory.
import { createHmac } from 'node:crypto';
import { Readable } from 'node:stream';
import busboy from 'busboy';
import { ServiceError } from '../../core/errors.js';
import { clock } from '../../core/clock-instance.js';
import { deleteBlob, putBlob, type StoredBlob } from '../../core/blobs.js';
import { accountFor, signingSecret } from '../../core/identity.js';
import { signingKey } from '../../gateway/sigv4.js';
import { escapeXml, XML_DECL } from '../../protocols/xml.js';
import type { RequestContext } from '../service.js';
import type * as T from '../../protocols/types/s3.js';
import { accessDenied, invalidArgument, noSuchBucket } from './common.js';
import { checksumObserver } from './checksums.js';
import { headersFrom, storeObject, versionHeader } from './objects.js';
import { aclForNewObject } from './acl.js';
import { notify } from './notifications.js';
import { lockForNewObject } from './lock.js';
import { s3State, type BucketRec, type ObjectRec } from './state.js';

const S3_NS = 'http://s3.amazonaws.com/doc/2006-03-01/';

const policyDenied = (why: string) => new ServiceError('AccessDenied', `Invalid according to Policy: ${why}`, 403);

type Condition = Record<string, string> | unknown[];

/** Fields the policy need not cover ("Creating a POST policy", Conditions). */
const exempt = (name: string) => name === 'x-amz-signature' || name === 'file' || name === 'policy' || name.startsWith('x-ignore-')
  || name === 'awsaccesskeyid' || name === 'signature';

/** Checks every condition and that every form field is covered by one; returns the content-length-range. */
function checkPolicy(policy: { expiration?: string; conditions?: Condition[] }, fields: Map<string, string>, bucket: string):
  { min: number; max: number } | undefined {
  const exp = Date.parse(policy.expiration ?? '');
  if (!Number.isFinite(exp)) throw policyDenied('Policy could not be parsed.');
  if (exp < clock.now()) throw policyDenied('Policy expired.');
  const covered = new Set<string>();
  let range: { min: number; max: number } | undefined;
  const value = (name: string) => (name === 'bucket' ? fields.get('bucket') ?? bucket : fields.get(name) ?? '');
  for (const c of policy.conditions ?? []) {
    if (Array.isArray(c)) {
      const [op, rawField, arg] = c as [string, string, unknown];
      const opName = String(op).toLowerCase();
      if (opName === 'content-length-range') {
        range = { min: Number(rawField), max: Number(arg) };
        continue;
      }
      const field = String(rawField).replace(/^\$/, '').toLowerCase();
      covered.add(field);
      const v = value(field);
      const ok = opName === 'eq' ? v === String(arg) : opName === 'starts-with' ? v.startsWith(String(arg)) : false;
      if (!ok) throw policyDenied(`Policy Condition failed: ${JSON.stringify(c).replace(/","/g, '", "').replace(/",\$/g, '", $')}`);
    } else if (c && typeof c === 'object') {
      for (const [k, want] of Object.entries(c)) {
        const field = k.toLowerCase();
        covered.add(field);
        if (value(field) !== String(want)) throw policyDenied(`Policy Condition failed: ["eq", "$${k}", ${JSON.stringify(want)}]`);
      }
    }
  }
  const extra = [...fields.keys()].filter((f) => !exempt(f) && !covered.has(f));
  if (extra.length) throw policyDenied(`Extra input fields: ${extra.join(', ')}`);
  return range;
}

/**
 * Verifies x-amz-signature over the policy when the signing secret is known; with
 * --verify-signatures an unknown access key is refused, as the gateway refuses it.
 */
function checkSignature(fields: Map<string, string>, policyB64: string, verify: boolean): string {
  if (fields.get('x-amz-algorithm') !== 'AWS4-HMAC-SHA256') {
    throw invalidArgument('Only AWS4-HMAC-SHA256 POST policies are supported by Nimbus', 'x-amz-algorithm', fields.get('x-amz-algorithm') ?? '');
  }
  const cred = fields.get('x-amz-credential') ?? '';
  const [keyId, date, region, service, term] = cred.split('/');
  if (!keyId || !date || !region || service !== 's3' || term !== 'aws4_request') {
    throw invalidArgument('Invalid credential', 'x-amz-credential', cred);
  }
  const secret = signingSecret(keyId);
  if (secret !== undefined) {
    const want = createHmac('sha256', signingKey(secret, date, region, 's3')).update(policyB64).digest('hex');
    if (want !== fields.get('x-amz-signature')) {
      throw new ServiceError('SignatureDoesNotMatch', 'The request signature we calculated does not match the signature you provided. Check your key and signing method.', 403);
    }
  } else if (verify) {
    throw new ServiceError('InvalidAccessKeyId', 'The AWS Access Key Id you provided does not exist in our records.', 403, { AWSAccessKeyId: keyId });
  }
  return keyId;
}

/** Counts the file's bytes, failing with EntityTooLarge past the policy's maximum. */
function sizeLimit(max: number): (chunk: Buffer) => void {
  let n = 0;
  return (chunk) => {
    n += chunk.length;
    if (n > max) throw new ServiceError('EntityTooLarge', 'Your proposed upload exceeds the maximum allowed size', 400, { ProposedSize: n, MaxSizeAllowed: max });
  };
}

interface Parsed { fields: Map<string, string>; blob?: StoredBlob; checksum?: string; filename?: string; fileType?: string }

/** Reads the form: fields up to the file, then the file into a blob once the policy allowed it. */
function parseForm(b: BucketRec, contentType: string, body: Readable, verify: boolean): Promise<Parsed> {
  return new Promise((resolve, reject) => {
    let bb: busboy.Busboy;
    try {
      bb = busboy({ headers: { 'content-type': contentType }, limits: { files: 1, fieldSize: 1 << 20 } });
    } catch {
      reject(new ServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' }));
      return;
    }
    const out: Parsed = { fields: new Map() };
    let pending: Promise<void> | undefined;
    let failed = false;
    const fail = (e: unknown) => { if (!failed) { failed = true; body.unpipe(bb); body.resume(); reject(e); } };
    bb.on('field', (name, val) => { if (!out.blob && !pending) out.fields.set(name.toLowerCase(), val); });
    bb.on('file', (_name, stream, info) => {
      if (pending) { stream.resume(); return; }
      out.filename = info.filename;
      out.fileType = info.mimeType;
      pending = (async () => {
        const range = authorize(b, out, verify);
        const cs = checksumObserver(['CRC64NVME']);
        const observers = [cs.observe, ...(range ? [sizeLimit(range.max)] : [])];
        out.blob = await putBlob(stream, observers, 's3');
        out.checksum = cs.results().CRC64NVME;
        if (range && out.blob.size < range.min) {
          deleteBlob(out.blob.id);
          throw new ServiceError('EntityTooSmall', 'Your proposed upload is smaller than the minimum allowed size', 400, { ProposedSize: out.blob.size, MinSizeAllowed: range.min });
        }
      })();
      pending.catch((e) => { stream.resume(); fail(e); });
    });
    bb.on('error', (e) => fail(new ServiceError('MalformedPOSTRequest', 'The body of your POST request is not well-formed multipart/form-data.', 400, { cause: String(e) })));
    bb.on('close', () => {
      if (!pending) { if (!failed) resolve(out); return; }
      pending.then(() => { if (!failed) resolve(out); }, fail);
    });
    body.pipe(bb);
  });
}

/** The policy and signature checks, run when the file part begins (all fields are known). */
function authorize(b: BucketRec, p: Parsed, verify: boolean): { min: number; max: number } | undefined {
  const f = p.fields;
  if (!f.has('key')) {
    throw invalidArgument("Bucket POST must contain a field named 'key'.  If it is specified, please check the order of the fields.", 'key', '');
  }
  const key = f.get('key')!.replace(/\$\{filename\}/g, p.filename ?? '');
  f.set('key', key);
  const policyB64 = f.get('policy');
  if (!policyB64) throw accessDenied();
  const keyId = checkSignature(f, policyB64, verify);
  if (accountFor(keyId) !== b.owner) throw accessDenied();
  let policy: { expiration?: string; conditions?: Condition[] };
  try { policy = JSON.parse(Buffer.from(policyB64, 'base64').toString('utf8')); } catch { throw invalidArgument('Invalid Policy: Invalid JSON.', 'Policy', policyB64); }
  return checkPolicy(policy, f, b.name);
}

export async function postObject(ctx: RequestContext, input: T.PostObjectRequest): Promise<T.PostObjectOutput> {
  const b = bucketForPost(input.Bucket);
  ctx = { ...ctx, accountId: b.owner };
  const contentType = input.ContentType ?? '';
  if (!/^multipart\/form-data/i.test(contentType)) {
    throw new ServiceError('PreconditionFailed', 'At least one of the pre-conditions you specified did not hold', 412, { Condition: 'Bucket POST must be of the enclosure-type multipart/form-data' });
  }
  const p = await parseForm(b, contentType, (input.Body as Readable | undefined) ?? Readable.from([]), !!ctx.verifySignatures);
  if (!p.blob) throw invalidArgument('POST requires exactly one file upload per request.', 'file', '0');
  const f = p.fields;
  const key = f.get('key')!;
  try {
    if (Buffer.byteLength(key) > 1024) throw new ServiceError('KeyTooLongError', 'Your key is too long', 400);
    const acl = aclForNewObject(ctx, b, { ACL: f.get('acl') });
    const metadata: Record<string, string> = {};
    for (const [k, v] of f) if (k.startsWith('x-amz-meta-')) metadata[k.slice(11)] = v;
    const storageClass = f.get('x-amz-storage-class') ?? 'STANDARD';
    const lock = lockForNewObject(ctx, b, {}, false);
    const rec: ObjectRec = {
      bucket: b.name, key, blob: p.blob.id, size: p.blob.size, etag: `"${p.blob.md5}"`, lastModified: clock.now(), metadata, storageClass,
      ...headersFrom({
        ContentType: f.get('content-type') ?? p.fileType, CacheControl: f.get('cache-control'), ContentDisposition: f.get('content-disposition'),
        ContentEncoding: f.get('content-encoding'), Expires: f.has('expires') ? new Date(f.get('expires')!) : undefined,
      }),
      sse: f.get('x-amz-server-side-encryption') ?? 'AES256', tags: [], ...lock, ...(acl ? { acl } : {}),
      checksum: { algorithm: 'CRC64NVME', value: p.checksum!, type: 'FULL_OBJECT' },
    };
    storeObject(b, rec);
    notify(ctx, b, 'ObjectCreated:Post', rec);
    const location = `${ctx.endpoint}/${b.name}/${key.split('/').map(encodeURIComponent).join('/')}`;
    const common = { ETag: rec.etag, VersionId: versionHeader(b, rec) };
    const redirect = f.get('success_action_redirect') ?? f.get('redirect');
    if (redirect) {
      let url: URL | undefined;
      try { url = new URL(redirect); } catch { url = undefined; }
      if (url) {
        url.searchParams.set('bucket', b.name);
        url.searchParams.set('key', key);
        url.searchParams.set('etag', rec.etag);
        return { ...common, StatusCode: 303, Location: url.toString() };
      }
    }
    const status = Number(f.get('success_action_status') ?? 204);
    if (status === 201) {
      const doc = `${XML_DECL}<PostResponse xmlns="${S3_NS}"><Location>${escapeXml(location)}</Location><Bucket>${escapeXml(b.name)}</Bucket>`
        + `<Key>${escapeXml(key)}</Key><ETag>${escapeXml(rec.etag)}</ETag></PostResponse>`;
      return { ...common, StatusCode: 201, Location: location, Body: doc, ContentType: 'application/xml' };
    }
    // Anything but 200 and 201 answers 204 ("success_action_status", RESTObjectPOST.html).
    return { ...common, StatusCode: status === 200 ? 200 : 204, Location: location };
  } catch (e) {
    deleteBlob(p.blob.id);
    throw e;
  }
}

/**
 * The bucket of a POST. The form is signed, not the request, so the request's own credentials
 * (usually none) do not name the account: the policy's credential must belong to the owner.
 */
function bucketForPost(name: string): BucketRec {
  const b = s3State().buckets.get(name);
  if (!b) throw noSuchBucket(name);
  return b;
}
