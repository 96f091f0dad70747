// Node 20 lacks Promise.withResolvers (added in Node 22); aws-local-stepfunctions 3.0.0 calls it in every Task state.
// Imported before the engine so that the engine sees it.
if (typeof Promise.withResolvers !== 'function') {
  Promise.withResolvers = function withResolvers() {
    let resolve;
    let reject;
    const promise = new Promise((res, rej) => {
      resolve = res;
      reject = rej;
    });
    return { promise, resolve, reject };
  };
}
