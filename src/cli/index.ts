// pkidesk: the command line over the same services as the app. Parse, run, set the exit code.
import { runCli } from './program'

// `pkidesk cert list | head`: a reader that stops early is not an error of ours.
process.stdout.on('error', (e: NodeJS.ErrnoException) => {
  if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0)
  throw e
})

runCli(process.argv.slice(2), {
  stdout: (s) => void process.stdout.write(s),
  stderr: (s) => void process.stderr.write(s),
  env: process.env
}).then(
  (code) => {
    process.exitCode = code
  },
  (e: unknown) => {
    process.stderr.write(`error[INTERNAL]: ${(e as Error).message ?? String(e)}\n`)
    process.exitCode = 1
  }
)
