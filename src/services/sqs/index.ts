// Amazon Simple Queue Service: every operation, standard and FIFO queues, over the json and
// the query protocol (the codecs do the wire; models/patches/sqs.json holds the query names).
import { ServiceError } from '../../core/errors.js';
import type { Violation } from '../../protocols/validate.js';
import type { Service } from '../service.js';
import {
  addPermission, createQueue, deleteQueue, getQueueAttributes, getQueueUrl, listDeadLetterSourceQueues, listQueueTags,
  listQueues, purgeQueue, removePermission, setQueueAttributes, tagQueue, untagQueue,
} from './queues.js';
import {
  changeMessageVisibility, changeMessageVisibilityBatch, deleteMessage, deleteMessageBatch, receiveMessage, sendMessage,
  sendMessageBatch,
} from './messages.js';
import { cancelMessageMoveTask, listMessageMoveTasks, startMessageMoveTask } from './move-tasks.js';

/**
 * SQS words model violations its own way: a missing member is MissingParameter ("The request
 * must contain the parameter X."), an unknown attribute name InvalidAttributeName ("Unknown
 * Attribute X."), anything else InvalidParameterValue.
 */
function validationError(vs: Violation[]): ServiceError {
  const missing = vs.find((v) => v.kind === 'required');
  if (missing) return new ServiceError('MissingParameter', `The request must contain the parameter ${missing.member}.`, 400);
  const v = vs[0];
  if (v.kind === 'enum') return new ServiceError('InvalidAttributeName', `Unknown Attribute ${String(v.value)}.`);
  return new ServiceError('InvalidParameterValue', `Value ${String(v.value)} for parameter ${v.member} is invalid. Reason: ${v.constraint}.`, 400);
}

export const sqs: Service = {
  name: 'sqs',
  handlers: {
    CreateQueue: createQueue,
    GetQueueUrl: getQueueUrl,
    ListQueues: listQueues,
    DeleteQueue: deleteQueue,
    GetQueueAttributes: getQueueAttributes,
    SetQueueAttributes: setQueueAttributes,
    TagQueue: tagQueue,
    UntagQueue: untagQueue,
    ListQueueTags: listQueueTags,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    PurgeQueue: purgeQueue,
    ListDeadLetterSourceQueues: listDeadLetterSourceQueues,
    SendMessage: sendMessage,
    SendMessageBatch: sendMessageBatch,
    ReceiveMessage: receiveMessage,
    DeleteMessage: deleteMessage,
    DeleteMessageBatch: deleteMessageBatch,
    ChangeMessageVisibility: changeMessageVisibility,
    ChangeMessageVisibilityBatch: changeMessageVisibilityBatch,
    StartMessageMoveTask: startMessageMoveTask,
    ListMessageMoveTasks: listMessageMoveTasks,
    CancelMessageMoveTask: cancelMessageMoveTask,
  },
  validationError,
};
