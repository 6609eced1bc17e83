// Shape helpers shared by every codec: timestamps, error shapes, blobs.
import type { MemberRef, Operation, ServiceModel, Shape } from './model.js';
import { ServiceError } from '../core/errors.js';

export const shapeOf = (model: ServiceModel, ref: { shape: string }): Shape => {
  const s = model.shapes[ref.shape];
  if (!s) throw new Error(`model ${model.name}: unknown shape ${ref.shape}`);
  return s;
};

/** Timestamps arrive as Date, epoch milliseconds or ISO strings from handlers and state. */
export function toDate(v: unknown): Date {
  if (v instanceof Date) return v;
  if (typeof v === 'number') return new Date(v);
  return new Date(String(v));
}

export function formatTimestamp(v: unknown, format: string): string | number {
  const d = toDate(v);
  switch (format) {
    case 'unixTimestamp': return d.getTime() / 1000;
    case 'rfc822': return d.toUTCString();
    default: return d.toISOString();
  }
}

/** Parses a timestamp in any of the three model formats; undefined when it is none of them. */
export function parseTimestamp(v: unknown): Date | undefined {
  if (typeof v === 'number') return Number.isFinite(v) ? new Date(v * 1000) : undefined;
  if (typeof v !== 'string' || v === '') return undefined;
  const d = /^-?\d+(\.\d+)?$/.test(v) ? new Date(Number(v) * 1000) : new Date(v);
  return Number.isNaN(d.getTime()) ? undefined : d;
}

export const toBuffer = (v: unknown): Buffer =>
  Buffer.isBuffer(v) ? v : v instanceof Uint8Array ? Buffer.from(v) : Buffer.from(String(v));

export const timestampFormat = (ref: MemberRef | undefined, shape: Shape, dflt: string): string =>
  ref?.timestampFormat ?? shape.timestampFormat ?? dflt;

interface ErrorIndex { byCode: Map<string, { name: string; shape: Shape }> }
const errorIndexes = new WeakMap<ServiceModel, ErrorIndex>();

/** Finds the model's error shape for a code thrown by a handler (shape name or wire code). */
export function errorShape(model: ServiceModel | undefined, code: string): { name: string; shape: Shape } | undefined {
  if (!model) return undefined;
  let idx = errorIndexes.get(model);
  if (!idx) {
    idx = { byCode: new Map() };
    for (const [name, shape] of Object.entries(model.shapes)) {
      if (!shape.exception) continue;
      idx.byCode.set(name, { name, shape });
      if (shape.error?.code && !idx.byCode.has(shape.error.code)) idx.byCode.set(shape.error.code, { name, shape });
    }
    errorIndexes.set(model, idx);
  }
  return idx.byCode.get(code);
}

/** The HTTP status of an error: the handler's, else the model's, else 400. */
export function errorStatus(err: ServiceError, model: ServiceModel | undefined): number {
  return err.status ?? errorShape(model, err.code)?.shape.error?.httpStatusCode ?? 400;
}

export function isSenderFault(err: ServiceError, model: ServiceModel | undefined): boolean {
  return err.senderFault ?? errorShape(model, err.code)?.shape.error?.senderFault ?? errorStatus(err, model) < 500;
}

/** Query-protocol wire code of an error (IAM's `NoSuchEntity` for shape `NoSuchEntityException`). */
export function wireCode(err: ServiceError, model: ServiceModel | undefined): string {
  return errorShape(model, err.code)?.shape.error?.code ?? err.code;
}

/** JSON-protocol error type: the shape name the SDKs map to an exception class. */
export function shapeCode(err: ServiceError, model: ServiceModel | undefined): string {
  return errorShape(model, err.code)?.name ?? err.code;
}

export const outputShape = (model: ServiceModel, op: Operation): Shape | undefined =>
  op.output ? shapeOf(model, op.output) : undefined;
