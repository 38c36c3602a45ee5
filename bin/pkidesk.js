#!/usr/bin/env node
'use strict'
require('../out/main/cli.js')
