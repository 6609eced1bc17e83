// SNS's plain-HTTP endpoints under /_nimbus/sns/, which AWS serves outside its signed API:
// the signing certificate (SigningCertURL), and the SubscribeURL / UnsubscribeURL links in
// messages, which work with a bare GET (curl, a browser) and answer the same XML as the
// ConfirmSubscription and Unsubscribe actions.
import type { HttpResponse } from '../../protocols/codec.js';
import { ServiceError } from '../../core/errors.js';
import { serviceContext } from '../../core/internal-client.js';
import type { ServiceHttpRequest } from '../service.js';
import { parseArn, invalidParameter, st } from './common.js';
import { certFileName, signingKey } from './signing.js';
import { confirmByToken, unsubscribe } from './subscriptions.js';

const NS = 'http://sns.amazonaws.com/doc/2010-03-31/';
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const xml = (status: number, body: string): HttpResponse => ({ status, headers: { 'content-type': 'text/xml' }, body: `<?xml version="1.0"?>\n${body}` });

export function snsHttp(req: ServiceHttpRequest): HttpResponse | undefined {
  const k = signingKey();
  if (req.method === 'GET' && req.path === `/${certFileName(k)}`) {
    return { status: 200, headers: { 'content-type': 'application/x-x509-ca-cert' }, body: k.cert };
  }
  if ((req.method !== 'GET' && req.method !== 'POST') || req.path !== '/') return undefined;
  const action = req.query.get('Action');
  const requestId = crypto.randomUUID();
  try {
    if (action === 'ConfirmSubscription') {
      const topicArn = req.query.get('TopicArn') ?? '';
      const p = parseArn(topicArn);
      if (!p) throw invalidParameter('TopicArn');
      const ctx = serviceContext('sns', { accountId: p.account, region: p.region }, 'ConfirmSubscription');
      const arn = confirmByToken(ctx, topicArn, req.query.get('Token') ?? '', false);
      return xml(200, `<ConfirmSubscriptionResponse xmlns="${NS}">\n  <ConfirmSubscriptionResult>\n    <SubscriptionArn>${esc(arn)}</SubscriptionArn>\n  </ConfirmSubscriptionResult>\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</ConfirmSubscriptionResponse>`);
    }
    if (action === 'Unsubscribe') {
      const subArn = req.query.get('SubscriptionArn') ?? '';
      const p = parseArn(subArn);
      if (!p) throw invalidParameter('SubscriptionArn');
      const ctx = serviceContext('sns', { accountId: p.account, region: p.region }, 'Unsubscribe');
      // A subscription confirmed with AuthenticateOnUnsubscribe=true can only be removed by a
      // signed Unsubscribe call ("ConfirmSubscription", API Reference), not by this bare link.
      if (st({ accountId: p.account, region: p.region }).subs.get(subArn)?.authUnsub) {
        throw new ServiceError('AuthorizationError', 'Unsubscribe requires authentication for this subscription', 403); // (?)
      }
      unsubscribe(ctx, { SubscriptionArn: subArn });
      return xml(200, `<UnsubscribeResponse xmlns="${NS}">\n  <ResponseMetadata>\n    <RequestId>${requestId}</RequestId>\n  </ResponseMetadata>\n</UnsubscribeResponse>`);
    }
    return undefined;
  } catch (e) {
    if (!(e instanceof ServiceError)) throw e;
    const status = e.status ?? 400;
    return xml(status, `<ErrorResponse xmlns="${NS}">\n  <Error>\n    <Type>Sender</Type>\n    <Code>${esc(e.code)}</Code>\n    <Message>${esc(e.message)}</Message>\n  </Error>\n  <RequestId>${requestId}</RequestId>\n</ErrorResponse>`);
  }
}
