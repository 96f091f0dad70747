// Task handlers for aws-local-stepfunctions 3.0.0 that send every Lambda Task to a loopback AWS Lambda Invoke API
// (POST /2015-03-31/functions/{name}/invocations) and raise the errors Step Functions raises on AWS:
//   function error (X-Amz-Function-Error header) -> Error = errorType of the payload (the exception's full class name
//                                                   for the Java runtime), Cause = the raw error payload
//   service error (HTTP status not 2xx)          -> Error = "Lambda.<x-amzn-ErrorType>", e.g. Lambda.ServiceException,
//                                                   Lambda.TooManyRequestsException, Lambda.ResourceNotFoundException
//   no connection                                -> Error = "Lambda.SdkClientException"
// The engine's only hook is a handler per STATE NAME, so the definition is walked (Map and Parallel bodies too).

export const LAMBDA_INVOKE_RESOURCE = 'arn:aws:states:::lambda:invoke';
const LAMBDA_FUNCTION_ARN = /^arn:aws[a-z-]*:lambda:[^:]+:\d{12}:function:/;

class LambdaTaskError extends Error {
  constructor(name, message) {
    super(message);
    this.name = name;
  }
}

export function taskStates(definition, found = []) {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    if (state.Type === 'Task') found.push({ name, resource: state.Resource });
    if (state.Type === 'Map') taskStates(state.ItemProcessor ?? state.Iterator ?? {}, found);
    if (state.Type === 'Parallel') for (const branch of state.Branches ?? []) taskStates(branch, found);
  }
  return found;
}

export async function invoke(endpoint, functionName, payload, qualifier) {
  const query = qualifier ? `?Qualifier=${encodeURIComponent(qualifier)}` : '';
  const url = `${endpoint}/2015-03-31/functions/${encodeURIComponent(functionName)}/invocations${query}`;
  let response;
  let text;
  try {
    response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-amz-invocation-type': 'RequestResponse' },
      body: JSON.stringify(payload ?? null),
    });
    text = await response.text();
  } catch (e) {
    throw new LambdaTaskError('Lambda.SdkClientException', `Unable to execute HTTP request: ${e.cause?.code ?? e.message}`);
  }
  if (!response.ok) {
    const fallback = response.status >= 500 ? 'ServiceException' : 'AWSLambdaException';
    const type = (response.headers.get('x-amzn-errortype') ?? '').split(':')[0] || fallback;
    let message = text;
    try {
      const body = JSON.parse(text);
      message = body.message ?? body.Message ?? text;
    } catch {
      // not JSON: keep the text
    }
    throw new LambdaTaskError(`Lambda.${type}`, `${message} (Service: Lambda, Status Code: ${response.status}, Error Code: ${type})`);
  }
  let body = null;
  if (text) {
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  if (response.headers.get('x-amz-function-error')) {
    throw new LambdaTaskError(body?.errorType ?? 'Lambda.Unknown', text);
  }
  return { body, status: response.status, executedVersion: response.headers.get('x-amz-executed-version') ?? '$LATEST' };
}

/**
 * Handlers keyed by state name: every `arn:aws:states:::lambda:invoke` Task, and every Task whose Resource is a plain
 * Lambda function ARN, goes to the Invoke API at `endpoint` (so the engine never uses the AWS SDK: no credential chain,
 * no SDK retries, AWS's error names).
 */
export function lambdaTaskHandlers(definition, endpoint) {
  const handlers = {};
  for (const { name, resource } of taskStates(definition)) {
    if (resource === LAMBDA_INVOKE_RESOURCE) {
      handlers[name] = async (parameters) => {
        const { body, status, executedVersion } = await invoke(endpoint, parameters.FunctionName, parameters.Payload, parameters.Qualifier);
        // The shape of the lambda:invoke integration's result on AWS.
        return { ExecutedVersion: executedVersion, Payload: body, StatusCode: status, SdkHttpMetadata: { HttpStatusCode: status }, SdkResponseMetadata: {} };
      };
    } else if (LAMBDA_FUNCTION_ARN.test(resource ?? '')) {
      handlers[name] = async (input) => (await invoke(endpoint, resource, input)).body;
    }
  }
  return handlers;
}
