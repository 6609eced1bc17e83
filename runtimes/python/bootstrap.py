# Nimbus's Python runtime for Lambda: a small runtime interface client speaking the Lambda
# Runtime API (AWS_LAMBDA_RUNTIME_API) with urllib. Imports the handler `module.function` from
# LAMBDA_TASK_ROOT, passes an event and a context object, and reports results and errors in the
# shapes the AWS Python runtime uses.
import importlib
import json
import logging
import os
import sys
import time
import traceback
import urllib.request

API = "http://" + os.environ["AWS_LAMBDA_RUNTIME_API"] + "/2018-06-01/runtime"
SENTINEL = "\x1eNIMBUS-END "

# Everything the function prints goes to one stream, in order.
os.dup2(1, 2)
sys.stderr = sys.stdout


def call(method, path, body=None, headers=None):
    req = urllib.request.Request(API + path, data=body, method=method, headers=headers or {})
    with urllib.request.urlopen(req, timeout=None) as res:
        return res.status, res.headers, res.read()


def error_body(e, error_type=None):
    tb = traceback.extract_tb(e.__traceback__)
    return {
        "errorMessage": str(e),
        "errorType": error_type or type(e).__name__,
        "requestId": current_request_id or "",
        "stackTrace": traceback.format_list(tb),
    }


current_request_id = None


class LambdaLogFormatter(logging.Formatter):
    def format(self, record):
        record.aws_request_id = current_request_id or ""
        return super().format(record)


handler_ = logging.StreamHandler(sys.stdout)
handler_.setFormatter(LambdaLogFormatter("[%(levelname)s]\t%(asctime)s.%(msecs)03dZ\t%(aws_request_id)s\t%(message)s\n", "%Y-%m-%dT%H:%M:%S"))
logging.Formatter.converter = time.gmtime
root_logger = logging.getLogger()
root_logger.handlers = [handler_]
root_logger.setLevel(logging.WARNING)


def init_error(error_type, e):
    body = error_body(e, error_type)
    if error_type == "Runtime.ImportModuleError":
        body["errorMessage"] = "Unable to import module '%s': %s" % (module_name, e)
    print("[ERROR] %s: %s" % (error_type, body["errorMessage"]), flush=True)
    call("POST", "/init/error", json.dumps(body).encode(), {"Lambda-Runtime-Function-Error-Type": error_type})
    sys.exit(1)


handler_name = os.environ.get("_HANDLER", "")
module_name, _, function_name = handler_name.rpartition(".")
sys.path.insert(0, os.environ["LAMBDA_TASK_ROOT"])
handler = None
if not module_name:
    init_error("Runtime.MalformedHandlerName", ValueError("Bad handler '%s': not enough values to unpack (expected 2, got 1)" % handler_name))
try:
    module = importlib.import_module(module_name.replace("/", "."))
except SyntaxError as e:
    init_error("Runtime.UserCodeSyntaxError", e)
except Exception as e:  # noqa: BLE001
    init_error("Runtime.ImportModuleError", e)
handler = getattr(module, function_name, None)
if handler is None:
    init_error("Runtime.HandlerNotFound", AttributeError("Handler '%s' missing on module '%s'" % (function_name, module_name)))


class Context:
    def __init__(self, headers):
        self.aws_request_id = headers.get("Lambda-Runtime-Aws-Request-Id")
        self._deadline = int(headers.get("Lambda-Runtime-Deadline-Ms", "0"))
        self.invoked_function_arn = headers.get("Lambda-Runtime-Invoked-Function-Arn")
        self.function_name = os.environ.get("AWS_LAMBDA_FUNCTION_NAME")
        self.function_version = os.environ.get("AWS_LAMBDA_FUNCTION_VERSION")
        self.memory_limit_in_mb = os.environ.get("AWS_LAMBDA_FUNCTION_MEMORY_SIZE")
        self.log_group_name = os.environ.get("AWS_LAMBDA_LOG_GROUP_NAME")
        self.log_stream_name = os.environ.get("AWS_LAMBDA_LOG_STREAM_NAME")
        self.identity = None
        cc = headers.get("Lambda-Runtime-Client-Context")
        self.client_context = json.loads(cc) if cc else None

    def get_remaining_time_in_millis(self):
        return max(0, self._deadline - int(time.time() * 1000))


while True:
    status, headers, body = call("GET", "/invocation/next")
    context = Context(headers)
    current_request_id = context.aws_request_id
    trace = headers.get("Lambda-Runtime-Trace-Id")
    if trace:
        os.environ["_X_AMZN_TRACE_ID"] = trace
    else:
        os.environ.pop("_X_AMZN_TRACE_ID", None)
    try:
        event = json.loads(body) if body else None
        result = handler(event, context)
        out = json.dumps(result).encode()
        path = "/invocation/%s/response" % context.aws_request_id
        extra = {}
    except Exception as e:  # noqa: BLE001
        err = error_body(e)
        print("[ERROR] %s: %s\nTraceback (most recent call last):\n%s" % (err["errorType"], err["errorMessage"], "".join(err["stackTrace"])), flush=True)
        out = json.dumps(err).encode()
        path = "/invocation/%s/error" % context.aws_request_id
        extra = {"Lambda-Runtime-Function-Error-Type": "Unhandled"}
    sys.stdout.write(SENTINEL + context.aws_request_id + "\n")
    sys.stdout.flush()
    call("POST", path, out, dict({"Content-Type": "application/json"}, **extra))
