// pkidesk: the command line over the same services as the app.
console.log('pkidesk: not yet')
