// Amazon Simple Notification Service: topics (standard and FIFO), subscriptions (SQS, Lambda,
// HTTP/S delivered; email, SMS, application and Firehose stored), Publish/PublishBatch with
// filter policies, signed messages, HTTP/S delivery policies with retries on the virtual clock,
// and dead-letter queues; mobile push applications/endpoints, SMS preferences and the SMS
// sandbox stored (no push or text message is ever sent). Plain-HTTP links (certificate,
// SubscribeURL, UnsubscribeURL) live in http.ts.
import type { Service } from '../service.js';
import {
  addPermission, createTopic, deleteTopic, getDataProtectionPolicy, getTopicAttributes, listTagsForResource, listTopics,
  putDataProtectionPolicy, removePermission, setTopicAttributes, tagResource, untagResource,
} from './topics.js';
import {
  confirmSubscription, getSubscriptionAttributes, listSubscriptions, listSubscriptionsByTopic, setSubscriptionAttributes,
  subscribe, unsubscribe,
} from './subscriptions.js';
import { publish, publishBatch } from './publish.js';
import {
  createPlatformApplication, createPlatformEndpoint, deleteEndpoint, deletePlatformApplication, getEndpointAttributes,
  getPlatformApplicationAttributes, listEndpointsByPlatformApplication, listPlatformApplications, setEndpointAttributes,
  setPlatformApplicationAttributes,
} from './platform.js';
import {
  checkIfPhoneNumberIsOptedOut, createSMSSandboxPhoneNumber, deleteSMSSandboxPhoneNumber, getSMSAttributes, getSMSSandboxAccountStatus,
  listOriginationNumbers, listPhoneNumbersOptedOut, listSMSSandboxPhoneNumbers, optInPhoneNumber, setSMSAttributes, verifySMSSandboxPhoneNumber,
} from './sms.js';
import { snsHttp } from './http.js';

export const sns: Service = {
  name: 'sns',
  handlers: {
    CreateTopic: createTopic,
    DeleteTopic: deleteTopic,
    ListTopics: listTopics,
    GetTopicAttributes: getTopicAttributes,
    SetTopicAttributes: setTopicAttributes,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTagsForResource: listTagsForResource,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    GetDataProtectionPolicy: getDataProtectionPolicy,
    PutDataProtectionPolicy: putDataProtectionPolicy,
    Subscribe: subscribe,
    ConfirmSubscription: confirmSubscription,
    Unsubscribe: unsubscribe,
    ListSubscriptions: listSubscriptions,
    ListSubscriptionsByTopic: listSubscriptionsByTopic,
    GetSubscriptionAttributes: getSubscriptionAttributes,
    SetSubscriptionAttributes: setSubscriptionAttributes,
    Publish: publish,
    PublishBatch: publishBatch,
    CreatePlatformApplication: createPlatformApplication,
    GetPlatformApplicationAttributes: getPlatformApplicationAttributes,
    SetPlatformApplicationAttributes: setPlatformApplicationAttributes,
    ListPlatformApplications: listPlatformApplications,
    DeletePlatformApplication: deletePlatformApplication,
    CreatePlatformEndpoint: createPlatformEndpoint,
    GetEndpointAttributes: getEndpointAttributes,
    SetEndpointAttributes: setEndpointAttributes,
    DeleteEndpoint: deleteEndpoint,
    ListEndpointsByPlatformApplication: listEndpointsByPlatformApplication,
    SetSMSAttributes: setSMSAttributes,
    GetSMSAttributes: getSMSAttributes,
    GetSMSSandboxAccountStatus: getSMSSandboxAccountStatus,
    CreateSMSSandboxPhoneNumber: createSMSSandboxPhoneNumber,
    VerifySMSSandboxPhoneNumber: verifySMSSandboxPhoneNumber,
    ListSMSSandboxPhoneNumbers: listSMSSandboxPhoneNumbers,
    DeleteSMSSandboxPhoneNumber: deleteSMSSandboxPhoneNumber,
    ListOriginationNumbers: listOriginationNumbers,
    CheckIfPhoneNumberIsOptedOut: checkIfPhoneNumberIsOptedOut,
    ListPhoneNumbersOptedOut: listPhoneNumbersOptedOut,
    OptInPhoneNumber: optInPhoneNumber,
  },
  http: snsHttp,
};
