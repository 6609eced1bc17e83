// AWS Lambda: functions, versions, aliases, tags, concurrency, and Invoke running the code in
// real processes (Node.js, Python, provided.*) through the Lambda Runtime API; asynchronous
// invocation with retries and destinations; event source mappings (SQS, DynamoDB Streams, Kinesis);
// layers; resource policies; function URLs; provisioned concurrency and smaller settings.
// Each operation's code is one hop away: see the imports below.
// InvokeWithResponseStream and RESPONSE_STREAM function URLs stream what the function writes.
// Not here (501): container images, capacity providers, durable executions.
import type { Service } from '../service.js';
import {
  createFunction, deleteFunction, deleteFunctionConcurrency, getAccountSettings, getFunction, getFunctionConcurrency,
  getFunctionConfiguration, listFunctions, listTags, putFunctionConcurrency, tagResource, untagResource, updateFunctionCode,
  updateFunctionConfiguration,
} from './functions.js';
import { createAlias, deleteAlias, getAlias, listAliases, listVersionsByFunction, publishVersion, updateAlias } from './versions.js';
import { invoke, invokeAsync, invokeWithResponseStream } from './invoke.js';
import {
  deleteFunctionEventInvokeConfig, getFunctionEventInvokeConfig, listFunctionEventInvokeConfigs, putFunctionEventInvokeConfig,
  updateFunctionEventInvokeConfig,
} from './event-invoke-configs.js';
import {
  createEventSourceMapping, deleteEventSourceMapping, getEventSourceMapping, listEventSourceMappings, updateEventSourceMapping,
} from './esm.js';
import {
  addLayerVersionPermission, deleteLayerVersion, getLayerVersion, getLayerVersionByArn, getLayerVersionPolicy, listLayers,
  listLayerVersions, publishLayerVersion, removeLayerVersionPermission,
} from './layers.js';
import { addPermission, getPolicy, removePermission } from './policy.js';
import {
  createFunctionUrlConfig, deleteFunctionUrlConfig, getFunctionUrlConfig, listFunctionUrlConfigs, serveUrl, updateFunctionUrlConfig,
} from './urls.js';
import {
  createCodeSigningConfig, deleteCodeSigningConfig, deleteFunctionCodeSigningConfig, deleteProvisionedConcurrencyConfig,
  getCodeSigningConfig, getFunctionCodeSigningConfig, getFunctionRecursionConfig, getProvisionedConcurrencyConfig,
  getRuntimeManagementConfig, listCodeSigningConfigs, listFunctionsByCodeSigningConfig, listProvisionedConcurrencyConfigs,
  putFunctionCodeSigningConfig, putFunctionRecursionConfig, putProvisionedConcurrencyConfig, putRuntimeManagementConfig,
  updateCodeSigningConfig,
} from './configs.js';
import { serveCode } from './code-source.js';

export const lambda: Service = {
  name: 'lambda',
  handlers: {
    CreateFunction: createFunction,
    GetFunction: getFunction,
    GetFunctionConfiguration: getFunctionConfiguration,
    ListFunctions: listFunctions,
    UpdateFunctionCode: updateFunctionCode,
    UpdateFunctionConfiguration: updateFunctionConfiguration,
    DeleteFunction: deleteFunction,
    PublishVersion: publishVersion,
    ListVersionsByFunction: listVersionsByFunction,
    CreateAlias: createAlias,
    GetAlias: getAlias,
    UpdateAlias: updateAlias,
    DeleteAlias: deleteAlias,
    ListAliases: listAliases,
    TagResource: tagResource,
    UntagResource: untagResource,
    ListTags: listTags,
    GetAccountSettings: getAccountSettings,
    PutFunctionConcurrency: putFunctionConcurrency,
    GetFunctionConcurrency: getFunctionConcurrency,
    DeleteFunctionConcurrency: deleteFunctionConcurrency,
    Invoke: invoke,
    InvokeAsync: invokeAsync,
    InvokeWithResponseStream: invokeWithResponseStream,
    PutFunctionEventInvokeConfig: putFunctionEventInvokeConfig,
    UpdateFunctionEventInvokeConfig: updateFunctionEventInvokeConfig,
    GetFunctionEventInvokeConfig: getFunctionEventInvokeConfig,
    DeleteFunctionEventInvokeConfig: deleteFunctionEventInvokeConfig,
    ListFunctionEventInvokeConfigs: listFunctionEventInvokeConfigs,
    CreateEventSourceMapping: createEventSourceMapping,
    GetEventSourceMapping: getEventSourceMapping,
    UpdateEventSourceMapping: updateEventSourceMapping,
    DeleteEventSourceMapping: deleteEventSourceMapping,
    ListEventSourceMappings: listEventSourceMappings,
    PublishLayerVersion: publishLayerVersion,
    GetLayerVersion: getLayerVersion,
    GetLayerVersionByArn: getLayerVersionByArn,
    ListLayers: listLayers,
    ListLayerVersions: listLayerVersions,
    DeleteLayerVersion: deleteLayerVersion,
    AddLayerVersionPermission: addLayerVersionPermission,
    RemoveLayerVersionPermission: removeLayerVersionPermission,
    GetLayerVersionPolicy: getLayerVersionPolicy,
    AddPermission: addPermission,
    RemovePermission: removePermission,
    GetPolicy: getPolicy,
    CreateFunctionUrlConfig: createFunctionUrlConfig,
    GetFunctionUrlConfig: getFunctionUrlConfig,
    UpdateFunctionUrlConfig: updateFunctionUrlConfig,
    DeleteFunctionUrlConfig: deleteFunctionUrlConfig,
    ListFunctionUrlConfigs: listFunctionUrlConfigs,
    PutProvisionedConcurrencyConfig: putProvisionedConcurrencyConfig,
    GetProvisionedConcurrencyConfig: getProvisionedConcurrencyConfig,
    DeleteProvisionedConcurrencyConfig: deleteProvisionedConcurrencyConfig,
    ListProvisionedConcurrencyConfigs: listProvisionedConcurrencyConfigs,
    CreateCodeSigningConfig: createCodeSigningConfig,
    GetCodeSigningConfig: getCodeSigningConfig,
    UpdateCodeSigningConfig: updateCodeSigningConfig,
    DeleteCodeSigningConfig: deleteCodeSigningConfig,
    ListCodeSigningConfigs: listCodeSigningConfigs,
    PutFunctionCodeSigningConfig: putFunctionCodeSigningConfig,
    GetFunctionCodeSigningConfig: getFunctionCodeSigningConfig,
    DeleteFunctionCodeSigningConfig: deleteFunctionCodeSigningConfig,
    ListFunctionsByCodeSigningConfig: listFunctionsByCodeSigningConfig,
    GetFunctionRecursionConfig: getFunctionRecursionConfig,
    PutFunctionRecursionConfig: putFunctionRecursionConfig,
    GetRuntimeManagementConfig: getRuntimeManagementConfig,
    PutRuntimeManagementConfig: putRuntimeManagementConfig,
  },
  // /_nimbus/lambda/code/<blob>: code and layer downloads (Code.Location, Content.Location);
  // /_nimbus/lambda/url/<url-id>/<path>: function URLs.
  http(req) {
    const code = /^\/code\/([^/]+)$/.exec(req.path);
    if (code && (req.method === 'GET' || req.method === 'HEAD')) return serveCode(req, decodeURIComponent(code[1]));
    const url = /^\/url\/([a-z0-9]{32})(\/.*)?$/.exec(req.path);
    if (url) return serveUrl(req, url[1], url[2] ?? '/');
    return undefined;
  },
};
