// The services Nimbus serves: every service that has a model under models/. Those with a
// folder under src/services/ have handlers; the rest answer 501 NotImplemented for every
// operation. A service's code is imported on its first request (or when stored state or a
// snapshot names it), so start-up does not pay for services nobody calls.
import { modelIndex } from '../protocols/model.js';
import type { Service } from './service.js';
import { setServiceLookup } from '../core/internal-client.js';

const implementations: Record<string, () => Promise<Service>> = {
  sts: () => import('./sts/index.js').then((m) => m.sts),
  iam: () => import('./iam/index.js').then((m) => m.iam),
  sqs: () => import('./sqs/index.js').then((m) => m.sqs),
  dynamodb: () => import('./dynamodb/index.js').then((m) => m.dynamodb),
  dynamodbstreams: () => import('./dynamodbstreams/index.js').then((m) => m.dynamodbstreams),
  s3: () => import('./s3/index.js').then((m) => m.s3),
  lambda: () => import('./lambda/index.js').then((m) => m.lambda),
  logs: () => import('./logs/index.js').then((m) => m.logs),
  kms: () => import('./kms/index.js').then((m) => m.kms),
  ssm: () => import('./ssm/index.js').then((m) => m.ssm),
  sns: () => import('./sns/index.js').then((m) => m.sns),
  ram: () => import('./ram/index.js').then((m) => m.ram),
  kinesis: () => import('./kinesis/index.js').then((m) => m.kinesis),
};

const loaded = new Map<string, Service>();
const loading = new Map<string, Promise<Service>>();

export const allServiceNames = (): string[] => Object.keys(modelIndex());

/** The service if its code is loaded already (the hot path), else undefined. */
export const loadedService = (name: string): Service | undefined => loaded.get(name);

/** Loads a service's code once; a service without an implementation has no handlers. */
export function loadService(name: string): Promise<Service> {
  const have = loaded.get(name);
  if (have) return Promise.resolve(have);
  let p = loading.get(name);
  if (!p) {
    const load = implementations[name];
    p = (load ? load() : Promise.resolve({ name, handlers: {} })).then((s) => { loaded.set(name, s); return s; });
    loading.set(name, p);
  }
  return p;
}

/** Loads the services among `names` (e.g. those a journal or a snapshot has state for). */
export const loadServices = (names: Iterable<string>): Promise<Service[]> =>
  Promise.all([...new Set(names)].filter((n) => n in modelIndex()).map(loadService));

setServiceLookup(loadService);
