// The AWS Encryption SDK for JavaScript (@aws-crypto/client-node) encrypts and decrypts
// through Nimbus's KMS: GenerateDataKey for the generator key, Encrypt for a second key,
// Decrypt with KeyId when reading the message back.
import { test, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { KMS } from '@aws-sdk/client-kms';
import { buildClient, CommitmentPolicy, KmsKeyringNode } from '@aws-crypto/client-node';
import { nimbus, sdk } from '../../helpers.js';
import type { Nimbus } from '../../../src/index.js';

let n: Nimbus;
let kms: KMS;
before(async () => { n = await nimbus(); kms = new KMS(sdk(n)); });
after(async () => { kms.destroy(); await n.stop(); });

test('Encryption SDK: encrypt with two KMS keys, decrypt with either', async () => {
  const a = (await kms.createKey({})).KeyMetadata!.Arn!;
  const b = (await kms.createKey({})).KeyMetadata!.Arn!;
  const { encrypt, decrypt } = buildClient(CommitmentPolicy.REQUIRE_ENCRYPT_REQUIRE_DECRYPT);
  const clientProvider = () => kms as never;
  const keyring = new KmsKeyringNode({ clientProvider, generatorKeyId: a, keyIds: [b] });
  const context = { stage: 'test', purpose: 'nimbus' };
  const { result } = await encrypt(keyring, 'hello through the encryption sdk', { encryptionContext: context });
  for (const key of [a, b]) {
    const onlyOne = new KmsKeyringNode({ clientProvider, keyIds: [key] });
    const { plaintext, messageHeader } = await decrypt(onlyOne, result);
    assert.equal(plaintext.toString(), 'hello through the encryption sdk');
    assert.equal(messageHeader.encryptionContext.stage, 'test');
    assert.equal(messageHeader.encryptedDataKeys.length, 2);
  }
});
