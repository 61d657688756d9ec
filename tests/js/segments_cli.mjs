// Reads a JSON list of strings on stdin and prints the JS segment analysis of each as a JSON list.
import { readFileSync } from "node:fs";
import { analyze } from "../../static/js/inbox/segments.js";

const bodies = JSON.parse(readFileSync(0, "utf8"));
process.stdout.write(JSON.stringify(bodies.map((body) => analyze(body))));
