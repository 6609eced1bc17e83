// How model validation failures reach the client, per protocol, unless the service says
// otherwise (Service.validationError).
import { ServiceError } from '../core/errors.js';
import type { Protocol } from '../protocols/model.js';
import { validationMessage, type Violation } from '../protocols/validate.js';

export function validationError(vs: Violation[], protocol: Protocol): ServiceError {
  switch (protocol) {
    case 'query':
      // IAM, STS and the other Coral query services: ValidationError with the joined message.
      return new ServiceError('ValidationError', validationMessage(vs), 400);
    case 'ec2': {
      // EC2 names the first problem: a missing parameter, else an invalid value.
      const missing = vs.find((v) => v.kind === 'required');
      if (missing) return new ServiceError('MissingParameter', `The request must contain the parameter ${missing.member}`, 400);
      return new ServiceError('InvalidParameterValue', validationMessage(vs), 400);
    }
    case 'rest-xml':
      return new ServiceError('InvalidArgument', validationMessage(vs), 400);
    default:
      return new ServiceError('ValidationException', validationMessage(vs), 400);
  }
}
