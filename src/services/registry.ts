// The services Nimbus serves: every service that has a model under models/; those with a
// folder under src/services/ have handlers, the rest answer 501 NotImplemented per operation.
import { modelIndex } from '../protocols/model.js';
import type { Service } from './service.js';
import { setServiceLookup } from '../core/internal-client.js';
import { sts } from './sts/index.js';
import { iam } from './iam/index.js';
import { sqs } from './sqs/index.js';
import { dynamodb } from './dynamodb/index.js';
import { s3 } from './s3/index.js';
import { lambda } from './lambda/index.js';
import { logs } from './logs/index.js';

const implemented: Service[] = [sts, iam, sqs, dynamodb, s3, lambda, logs];

const byName = new Map<string, Service>();
for (const name of Object.keys(modelIndex())) byName.set(name, { name, handlers: {} });
for (const s of implemented) byName.set(s.name, s);

setServiceLookup((name) => byName.get(name));

export const allServiceNames = (): string[] => [...byName.keys()];
export const serviceByName = (name: string): Service | undefined => byName.get(name);
