// Typed service errors. Handlers throw these; the protocol codecs encode them. Anything else
// thrown is an internal bug: the gateway answers 500 InternalFailure and logs it.

export class ServiceError extends Error {
  /** Extra members of the error shape (e.g. S3's `Key`, DynamoDB's `CancellationReasons`). */
  readonly fields: Record<string, unknown>;
  constructor(
    readonly code: string,
    message: string,
    /** HTTP status; when left out, the model's error shape decides (else 400). */
    readonly status?: number,
    fields: Record<string, unknown> = {},
    /** Sender (client) or Receiver (server) fault, as the query protocols report it. */
    readonly senderFault?: boolean,
    /** Response headers some errors carry (e.g. x-amzn-query-error, Retry-After). */
    readonly headers: Record<string, string> = {},
  ) {
    // An AWS error answer is not a bug: capturing a stack trace for it would be most of its
    // cost (visible under load, e.g. sends to a missing queue). Bugs are other Errors.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.fields = fields;
  }
}

export const notImplemented = (service: string, operation: string) =>
  new ServiceError('NotImplemented', `The operation ${operation} of service ${service} is not implemented by Nimbus yet.`, 501);

export const internalFailure = () =>
  new ServiceError('InternalFailure', 'The request processing has failed because of an unknown error, exception or failure.', 500);
