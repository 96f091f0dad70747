#!/usr/bin/env node
// Runs an Amazon States Language definition locally on aws-local-stepfunctions 3.0.0. Every Lambda Task goes to a
// loopback AWS Lambda Invoke API (see lambda-invoke.mjs); nothing reaches AWS.
//
//   node run-state-machine.mjs <definition.asl.json> [<input.json> | -] [options]
//     (no input argument: read standard input when it is not a terminal, else {})
//   --endpoint URL           Lambda Invoke API, loopback only (default: $SFN_LAMBDA_ENDPOINT)
//   --name NAME              execution name (default: a random UUID); sets $$.Execution.Name and
//                            $$.Execution.Id = arn:aws:states:us-east-1:123456789012:execution:<state machine>:<name>
//   --state-machine NAME     state machine name in the ARNs (default: the definition file name without .asl.json)
//   --no-waits               every Wait state takes 0 ms
//   --retry-interval-ms N    every retry waits N ms instead of IntervalSeconds * BackoffRate^attempt
//   --events-io              add each state's input and output to the event lines
//   --validate               validate the definition with asl-validator first (about 0.2 s; the build validates already)
//
// stdout: exactly one JSON line {status: SUCCEEDED|FAILED|TIMED_OUT|ABORTED, output | error + cause, executionArn, name,
//         stateMachineArn, startDate, stopDate, durationMs}; USAGE_ERROR or INVALID_DEFINITION with exit code 2.
// stderr: one JSON line per engine event {"t":..., "event":"StateEntered", "state":"Plan job", "stateType":"Task", ...}
// exit:   0 SUCCEEDED, 1 any other outcome, 2 usage or definition error. SIGTERM/SIGINT abort the execution (ABORTED).
import './polyfill.mjs';
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { randomUUID } from 'node:crypto';
import { StateMachine, ExecutionError, ExecutionTimeoutError, ExecutionAbortedError } from 'aws-local-stepfunctions';
import { lambdaTaskHandlers } from './lambda-invoke.mjs';

const REGION = 'us-east-1';
const ACCOUNT = '123456789012';
const VALUED_OPTIONS = new Set(['--endpoint', '--name', '--state-machine', '--retry-interval-ms']);
const FLAG_OPTIONS = new Set(['--no-waits', '--events-io', '--validate']);

function emit(result, exitCode) {
  process.stdout.write(JSON.stringify(result) + '\n', () => process.exit(exitCode));
}

function fail(status, error, cause) {
  emit({ status, error, cause }, 2);
  return null;
}

function parseArguments(argv) {
  const options = {};
  const positional = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (VALUED_OPTIONS.has(arg)) {
      if (i + 1 >= argv.length) throw new Error(`${arg} needs a value`);
      options[arg.slice(2)] = argv[++i];
    } else if (FLAG_OPTIONS.has(arg)) {
      options[arg.slice(2)] = true;
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length === 0) throw new Error('definition file required');
  if (positional.length > 2) throw new Error('at most two arguments: <definition> [<input> | -]');
  return { options, definitionPath: positional[0], inputPath: positional[1] };
}

function readInput(inputPath) {
  let text;
  if (inputPath && inputPath !== '-') text = readFileSync(inputPath, 'utf8');
  else if (inputPath === '-' || !process.stdin.isTTY) text = readFileSync(0, 'utf8');
  else text = '{}';
  return JSON.parse(text.trim() || '{}');
}

function forEachState(definition, action) {
  for (const [name, state] of Object.entries(definition.States ?? {})) {
    action(name, state);
    if (state.Type === 'Map') forEachState(state.ItemProcessor ?? state.Iterator ?? {}, action);
    if (state.Type === 'Parallel') (state.Branches ?? []).forEach((branch) => forEachState(branch, action));
  }
}

function eventLine(event, withData) {
  const line = { t: new Date(event.timestamp).toISOString(), event: event.type };
  if (event.state) {
    line.state = event.state.name;
    line.stateType = event.state.type;
  }
  if (event.parentState) line.parent = event.parentState.name;
  if (event.index !== undefined) line.index = event.index;
  if (event.retry) {
    line.attempt = event.retry.attempt;
    line.retrier = event.retry.retrier.ErrorEquals;
  }
  if (event.catch) line.caught = event.catch.catcher.ErrorEquals;
  if (event.Error !== undefined) {
    line.error = event.Error;
    line.cause = typeof event.Cause === 'string' ? event.Cause : JSON.stringify(event.Cause);
  }
  if (withData) {
    if (event.state?.input !== undefined) line.input = event.state.input;
    if (event.state?.output !== undefined) line.output = event.state.output;
    if (event.output !== undefined) line.output = event.output;
  }
  return JSON.stringify(line);
}

async function main() {
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 20) return fail('USAGE_ERROR', 'UsageError', `Node.js >= 20 needed, this is ${process.version}`);

  let args;
  try {
    args = parseArguments(process.argv.slice(2));
  } catch (e) {
    return fail('USAGE_ERROR', 'UsageError', e.message);
  }
  const { options, definitionPath, inputPath } = args;

  let definition;
  let input;
  try {
    definition = JSON.parse(readFileSync(definitionPath, 'utf8'));
    input = readInput(inputPath);
  } catch (e) {
    return fail('USAGE_ERROR', 'UsageError', `cannot read the definition or the input: ${e.message}`);
  }

  const endpoint = options.endpoint ?? process.env.SFN_LAMBDA_ENDPOINT;
  let endpointUrl;
  try {
    endpointUrl = new URL(endpoint);
  } catch {
    return fail('USAGE_ERROR', 'UsageError', '--endpoint (or SFN_LAMBDA_ENDPOINT) must name the loopback Lambda Invoke API');
  }
  if (!['127.0.0.1', 'localhost', '[::1]'].includes(endpointUrl.hostname)) {
    return fail('USAGE_ERROR', 'UsageError', `refusing a Lambda endpoint that is not loopback: ${endpoint}`);
  }
  const retryIntervalMs = options['retry-interval-ms'] === undefined ? undefined : Number(options['retry-interval-ms']);
  if (retryIntervalMs !== undefined && !(Number.isInteger(retryIntervalMs) && retryIntervalMs >= 0)) {
    return fail('USAGE_ERROR', 'UsageError', `--retry-interval-ms must be a whole number >= 0, got ${options['retry-interval-ms']}`);
  }
  // Should anything reach the AWS SDK after all, it must not look for credentials or real endpoints, nor retry by itself.
  Object.assign(process.env, { AWS_ENDPOINT_URL_LAMBDA: endpoint, AWS_EC2_METADATA_DISABLED: 'true', AWS_MAX_ATTEMPTS: '1' });

  const stateMachineName = options['state-machine'] ?? basename(definitionPath).replace(/(\.asl)?\.json$/, '');
  const name = options.name ?? randomUUID();
  const stateMachineArn = `arn:aws:states:${REGION}:${ACCOUNT}:stateMachine:${stateMachineName}`;
  const executionArn = `arn:aws:states:${REGION}:${ACCOUNT}:execution:${stateMachineName}:${name}`;

  const overrides = { taskResourceLocalHandlers: lambdaTaskHandlers(definition, endpoint) };
  if (options['no-waits']) {
    overrides.waitTimeOverrides = {};
    forEachState(definition, (stateName, state) => {
      if (state.Type === 'Wait') overrides.waitTimeOverrides[stateName] = 0;
    });
  }
  if (retryIntervalMs !== undefined) {
    overrides.retryIntervalOverrides = {};
    forEachState(definition, (stateName, state) => {
      if (state.Retry) overrides.retryIntervalOverrides[stateName] = retryIntervalMs;
    });
  }

  let stateMachine;
  try {
    stateMachine = new StateMachine(definition, {
      validationOptions: { noValidate: !options.validate },
      awsConfig: { region: REGION, credentials: { accessKeys: { accessKeyId: 'local', secretAccessKey: 'local' } } },
    });
  } catch (e) {
    return fail('INVALID_DEFINITION', 'States.InvalidDefinition', e.message);
  }

  const startDate = new Date();
  const execution = stateMachine.run(input, {
    context: {
      Execution: { Id: executionArn, Name: name, StartTime: startDate.toISOString(), RoleArn: `arn:aws:iam::${ACCOUNT}:role/local` },
      StateMachine: { Id: stateMachineArn, Name: stateMachineName },
    },
    overrides,
  });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => execution.abort());

  const events = (async () => {
    for await (const event of execution.eventLogs) process.stderr.write(eventLine(event, !!options['events-io']) + '\n');
  })();

  const identity = { executionArn, name, stateMachineArn, startDate: startDate.toISOString() };
  let result;
  let exitCode = 1;
  try {
    result = { status: 'SUCCEEDED', ...identity, output: await execution.result };
    exitCode = 0;
  } catch (e) {
    if (e instanceof ExecutionTimeoutError) result = { status: 'TIMED_OUT', ...identity, error: 'States.Timeout', cause: 'State machine TimeoutSeconds exceeded' };
    else if (e instanceof ExecutionAbortedError) result = { status: 'ABORTED', ...identity };
    else if (e instanceof ExecutionError) result = { status: 'FAILED', ...identity, error: e.cause?.name ?? 'Unknown', cause: e.cause?.message ?? '' };
    else result = { status: 'FAILED', ...identity, error: e.name, cause: e.message };
  }
  // Let the last event lines out before the result line; the event stream ends with the execution.
  await Promise.race([events, new Promise((resolve) => setTimeout(resolve, 100))]);
  emit({ ...result, stopDate: new Date().toISOString(), durationMs: Date.now() - startDate.getTime() }, exitCode);
  return null;
}

await main();
