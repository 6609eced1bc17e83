// Shared by the Kinesis tests: a client, and a stream that is ACTIVE already.
import { KinesisClient, CreateStreamCommand, type CreateStreamCommandInput } from '@aws-sdk/client-kinesis';
import { sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

// The client's own default handler: HTTP/2 (h2c with prior knowledge on an http:// endpoint).
export const client = (n: Nimbus, region?: string): KinesisClient =>
  new KinesisClient({ ...sdk(n), ...(region ? { region } : {}) });

/** Creates a stream and moves the clock past its CREATING phase. */
export async function activeStream(n: Nimbus, k: KinesisClient, input: CreateStreamCommandInput): Promise<void> {
  await k.send(new CreateStreamCommand(input));
  n.clock.advance('PT2S');
}

export const ACCOUNT = '000000000000';
