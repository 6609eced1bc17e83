// AWS Security Token Service.
import type { Service } from '../service.js';
import { getAccessKeyInfo, getCallerIdentity } from './caller.js';
import { assumeRole } from './assume-role.js';
import { getSessionToken } from './session-token.js';
import { assumeRoleWithWebIdentity } from './web-identity.js';
import { getFederationToken } from './federation-token.js';

export const sts: Service = {
  name: 'sts',
  handlers: {
    GetCallerIdentity: getCallerIdentity,
    GetAccessKeyInfo: getAccessKeyInfo,
    AssumeRole: assumeRole,
    GetSessionToken: getSessionToken,
    AssumeRoleWithWebIdentity: assumeRoleWithWebIdentity,
    GetFederationToken: getFederationToken,
  },
};
