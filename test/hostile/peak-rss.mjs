// Preloaded into a CLI child (NODE_OPTIONS=--import) by the hostile-input tests: prints the process's peak RSS at exit.
process.on('exit', () => process.stderr.write(`peak-rss-mib ${Math.round(process.resourceUsage().maxRSS / 1024)}\n`));
