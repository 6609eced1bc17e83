// AWS Systems Manager: the Parameter Store part (parameters, versions, labels, history,
// hierarchies, policies, tags on Parameter resources). SecureString values go through KMS
// in-process. Parameters are shared with other accounts through RAM or resource policies
// (sharing.ts). The rest of SSM (documents, commands, automation, inventory, OpsCenter…) is not
// built: those operations answer 501.
import type { Service } from '../service.js';
import {
  addTagsToResource, deleteParameter, deleteParameters, describeParameters, getParameter, getParameterHistory,
  getParameters, getParametersByPath, labelParameterVersion, listTagsForResource, putParameter, removeTagsFromResource,
  unlabelParameterVersion,
} from './parameters.js';
import { deleteResourcePolicy, getResourcePolicies, putResourcePolicy, shareCheck } from './sharing.js';

export const ssm: Service = {
  name: 'ssm',
  handlers: {
    PutParameter: putParameter,
    GetParameter: getParameter,
    GetParameters: getParameters,
    GetParametersByPath: getParametersByPath,
    DescribeParameters: describeParameters,
    GetParameterHistory: getParameterHistory,
    LabelParameterVersion: labelParameterVersion,
    UnlabelParameterVersion: unlabelParameterVersion,
    DeleteParameter: deleteParameter,
    DeleteParameters: deleteParameters,
    AddTagsToResource: addTagsToResource,
    RemoveTagsFromResource: removeTagsFromResource,
    ListTagsForResource: listTagsForResource,
    PutResourcePolicy: putResourcePolicy,
    GetResourcePolicies: getResourcePolicies,
    DeleteResourcePolicy: deleteResourcePolicy,
  },
  internal: {
    /** For RAM: { resourceArn } → { found, failure? }: is it the caller's parameter, and shareable? */
    ShareCheck: shareCheck,
  },
};
