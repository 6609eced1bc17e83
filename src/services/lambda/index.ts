// AWS Lambda: functions, versions, aliases, tags, concurrency, and Invoke running the code in
// real processes (Node.js, Python, provided.*) through the Lambda Runtime API.
// Not here yet (501): layers, event source mappings, destinations/event invoke configs,
// provisioned concurrency, function URLs, permissions (resource policies), code from S3.
import type { Service } from '../service.js';
import {
  createFunction, deleteFunction, deleteFunctionConcurrency, getAccountSettings, getFunction, getFunctionConcurrency,
  getFunctionConfiguration, listFunctions, listTags, putFunctionConcurrency, tagResource, untagResource, updateFunctionCode,
  updateFunctionConfiguration,
} from './functions.js';
import { createAlias, deleteAlias, getAlias, listAliases, listVersionsByFunction, publishVersion, updateAlias } from './versions.js';
import { invoke } from './invoke.js';

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
  },
};
