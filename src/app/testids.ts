// Stable data-testid names for e2e tests (e2e/pages/*.ts use these; rename only together).
//
// status.device        top bar; data-state = starting | ready | unavailable
// status.adapter       the adapter's name
// model.status         model line; data-state = idle | loading | ready | failed
// model.source-demo / model.source-hub / model.source-folder   source choices (radio)
// model.hub-id, model.hub-revision, model.load, model.folder, model.cpu-fallback, model.clear-cache
// model.progress       download progress in bytes;  model.info  family / params / backend / memory / f16
// model.error          the worker's message when loading failed
// data.table           the editable rows; data.row-<i> a row; data.cell-<i>-input / data.cell-<i>-output cells
// data.add-row, data.delete-row-<i>
// data.paste           paste area (textarea); data.paste-apply its button
// data.upload          file input (CSV / TSV / JSONL)
// data.sample-select   sample datasets (select); data.samples-message when the index is missing
// data.errors          line-numbered errors (each: data.error-line, with data-line = the line number)
// data.template        template editor; data.preview one example as the model sees it (special tokens as
//                      data.preview-special); data.preview-tokens; data.chat-template (auto / on / off select)
// data.summary         counts (train / validation / labels); data.split, data.seed; data.error (request failed)
// method.select        method choice; method.note; method.tokens; method.init; method.init-text;
// method.projection; method.encoder; method.encoder-hidden
// hyper.<field>        each TrainConfig field (hyper.learningRate, hyper.steps, …); hyper.problems
// train.start, train.pause, train.resume, train.stop   buttons (enabled by RunPhase)
// train.phase          data-phase = RunPhase; train.step the current step; train.speed steps/s, tokens/s, time left
// train.chart          the live chart (data-points = points drawn); train.error
// runs.list            stored runs; runs.overlay-<id> overlay checkbox; runs.load-<id> load its kept prompt;
//                      runs.delete-<id>
// results.evaluate, results.baseline-accuracy, results.tuned-accuracy, results.baseline-f1, results.tuned-f1
// results.confusion-baseline, results.confusion-tuned, results.examples, results.error
// play.input, play.generate, play.base, play.tuned; nearest.inspect, nearest.list
// export.peft, export.safetensors, export.summary, export.checkpoint, export.import, export.error, export.message
// meta.tasks, meta.task-<id> (checkbox per sample dataset), meta.algorithm, meta.steps, meta.inner-steps, meta.batch,
// meta.train, meta.stop, meta.progress (data-step), meta.inits (list; each meta.init with meta.use, meta.compare,
// meta.download), meta.use-own, meta.upload, meta.chart (data-curves), meta.verdict, meta.message, meta.error
// prompts.instruction, prompts.shots, prompts.pez-length, prompts.pez-steps, prompts.trigger-length,
// prompts.autoprompt-iterations, prompts.candidates, prompts.train-steps; prompts.compare, prompts.stop,
// prompts.readout (prompts.readout-result); prompts.progress (data-fraction); prompts.table with prompts.row-<id>
// (data-state = waiting | running | done | skipped), prompts.accuracy-<id> (data-value), prompts.text-<id>,
// prompts.copy-<id>; prompts.error. Row ids: template, instruction, kshot, pez, autoprompt, soft, soft-projected, prefix
export const TID = {
  modelStatus: 'model.status',
  modelError: 'model.error',
  dataTable: 'data.table',
  dataPaste: 'data.paste',
  dataPasteApply: 'data.paste-apply',
  dataUpload: 'data.upload',
  dataSampleSelect: 'data.sample-select',
  dataErrors: 'data.errors',
  dataTemplate: 'data.template',
  dataPreview: 'data.preview',
  dataChatTemplate: 'data.chat-template',
  trainStart: 'train.start',
  trainPause: 'train.pause',
  trainResume: 'train.resume',
  trainStop: 'train.stop',
  trainChart: 'train.chart',
  trainStep: 'train.step',
  resultsBaselineAccuracy: 'results.baseline-accuracy',
  resultsTunedAccuracy: 'results.tuned-accuracy',
  exportPeft: 'export.peft',
} as const;
