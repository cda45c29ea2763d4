// Validates KEDA objects (a JSON array on stdin) with @kubernetes-models/keda, whose node_modules
// directory is argv[2]; prints a JSON array of problems ("kind name: path message"), empty if none.
import { pathToFileURL } from "node:url";
import { join } from "node:path";

const models = join(process.argv[2], "@kubernetes-models/keda/keda.sh/v1alpha1");
let input = "";
for await (const chunk of process.stdin) input += chunk;
const problems = [];
for (const object of JSON.parse(input)) {
  const where = `${object.kind} ${object.metadata?.name}`;
  let model;
  try {
    model = await import(pathToFileURL(join(models, `${object.kind}.js`)).href);
  } catch (e) {
    problems.push(`${where}: no KEDA model for ${object.kind}`);
    continue;
  }
  try {
    new model[object.kind](object).validate();
  } catch (e) {
    for (const error of e.errors ?? [{ instancePath: "", message: e.message }]) {
      problems.push(`${where}: ${error.instancePath} ${error.message}`);
    }
  }
}
console.log(JSON.stringify(problems));
