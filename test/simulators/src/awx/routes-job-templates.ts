/**
 * `job_templates/`: list (filters `name`, `organization`, `inventory`), detail, PATCH of prompt
 * flags, `survey_spec/`, the template's `jobs/`, and `launch/` (GET metadata, POST launch with the
 * accept/ignore rules of launch-rules.ts).
 */
import { decideLaunch } from './launch-rules.js';
import { createJob, jobCreated } from './launcher.js';
import { paginate } from './pagination.js';
import {
  badRequest,
  forbidden,
  idParam,
  json,
  notFound,
  parseVars,
  pythonJson,
  type SimRequest,
  type SimResponse,
} from './responses.js';
import type { Route, RouteContext } from './route.js';
import { jobJson, jobTemplateJson } from './serializers.js';
import type { AwxSimJobTemplate } from './store.js';

function withTemplate(
  handler: (ctx: RouteContext, req: SimRequest, jt: AwxSimJobTemplate) => SimResponse,
): (ctx: RouteContext, req: SimRequest, params: readonly string[]) => SimResponse {
  return (ctx, req, params) => {
    const id = idParam(params[0]);
    const jt = id === undefined ? undefined : ctx.store.jobTemplates.get(id);
    return jt === undefined ? notFound() : handler(ctx, req, jt);
  };
}

/** PATCH accepts the prompt flags and a few plain fields; others are read-only here. */
const PATCHABLE = new Set(['name', 'description', 'limit', 'extra_vars', 'inventory']);

function patchTemplate(ctx: RouteContext, req: SimRequest, jt: AwxSimJobTemplate): SimResponse {
  const body = req.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return badRequest({ non_field_errors: ['Invalid data. Expected a dictionary.'] });
  }
  for (const [key, value] of Object.entries(body)) {
    if (/^ask_[a-z_]+_on_launch$/.test(key) && key in jt) {
      if (typeof value !== 'boolean') return badRequest({ [key]: ['Must be a valid boolean.'] });
      (jt as unknown as Record<string, unknown>)[key] = value;
    } else if (key === 'extra_vars') {
      const vars = parseVars(value);
      if (vars === undefined) return badRequest({ extra_vars: ['Cannot parse as JSON or YAML.'] });
      jt.extra_vars = vars;
    } else if (key === 'inventory') {
      if (value !== null && !(typeof value === 'number' && ctx.store.inventories.has(value))) {
        return badRequest({ inventory: [`Invalid pk "${String(value)}" - object does not exist.`] });
      }
      jt.inventory = value;
    } else if (PATCHABLE.has(key)) {
      if (typeof value !== 'string') return badRequest({ [key]: ['Not a valid string.'] });
      (jt as unknown as Record<string, unknown>)[key] = value;
    }
  }
  jt.modified = ctx.store.now();
  return json(200, jobTemplateJson(req.prefix, ctx.store, jt));
}

function launchMetadata(ctx: RouteContext, _req: SimRequest, jt: AwxSimJobTemplate): SimResponse {
  if (jt.forbidden) return forbidden();
  const survey = jt.survey ?? [];
  const variablesNeeded = survey
    .filter((q) => q.required && (q.default === undefined || q.default === ''))
    .map((q) => q.variable);
  const passwordsNeeded = jt.credentials.flatMap(
    (id) => ctx.store.credentials.get(id)?.passwords_needed ?? [],
  );
  const flags = Object.fromEntries(Object.entries(jt).filter(([key]) => /^ask_[a-z_]+_on_launch$/.test(key)));
  const inventory = jt.inventory === null ? undefined : ctx.store.inventories.get(jt.inventory);
  return json(200, {
    can_start_without_user_input:
      variablesNeeded.length === 0 && passwordsNeeded.length === 0 && jt.inventory !== null,
    passwords_needed_to_start: passwordsNeeded,
    variables_needed_to_start: variablesNeeded,
    survey_enabled: survey.length > 0,
    inventory_needed_to_start: jt.inventory === null,
    credential_needed_to_start: false,
    ...flags,
    defaults: {
      extra_vars: Object.keys(jt.extra_vars).length === 0 ? '' : pythonJson(jt.extra_vars),
      inventory:
        inventory === undefined ? { name: null, id: null } : { name: inventory.name, id: inventory.id },
      limit: jt.limit,
      job_tags: jt.job_tags,
      skip_tags: jt.skip_tags,
      job_type: jt.job_type,
      verbosity: jt.verbosity,
      diff_mode: jt.diff_mode,
      scm_branch: jt.scm_branch,
      credentials: jt.credentials.map((id) => {
        const cred = ctx.store.credentials.get(id);
        return {
          id,
          name: cred?.name,
          credential_type: cred?.credential_type,
          passwords_needed: cred?.passwords_needed ?? [],
        };
      }),
    },
    job_template_data: { name: jt.name, id: jt.id, description: jt.description },
  });
}

function launch(ctx: RouteContext, req: SimRequest, jt: AwxSimJobTemplate): SimResponse {
  if (jt.forbidden) return forbidden();
  const decision = decideLaunch(ctx.store, jt, req.body);
  if (!decision.ok) return decision.response;
  const job = createJob(ctx, jt, {
    prompts: decision.prompts,
    launchType: 'manual',
    requestedOutcome: decision.requestedOutcome,
  });
  return jobCreated(ctx, req, job, { ignored_fields: decision.ignored });
}

export const jobTemplateRoutes: Route[] = [
  {
    pattern: /^job_templates\/$/,
    methods: {
      GET: (ctx, req) =>
        paginate(
          req,
          [...ctx.store.jobTemplates.values()].map((jt) => jobTemplateJson(req.prefix, ctx.store, jt)),
        ),
    },
  },
  {
    pattern: /^job_templates\/([^/]+)\/$/,
    methods: {
      GET: withTemplate((ctx, req, jt) => json(200, jobTemplateJson(req.prefix, ctx.store, jt))),
      PATCH: withTemplate(patchTemplate),
    },
  },
  {
    pattern: /^job_templates\/([^/]+)\/survey_spec\/$/,
    methods: {
      GET: withTemplate((_ctx, _req, jt) =>
        json(200, jt.survey === undefined ? {} : { name: '', description: '', spec: jt.survey }),
      ),
    },
  },
  {
    pattern: /^job_templates\/([^/]+)\/jobs\/$/,
    methods: {
      GET: withTemplate((ctx, req, jt) =>
        paginate(
          req,
          [...ctx.store.jobs.values()]
            .filter((job) => job.job_template === jt.id)
            .map((job) => jobJson(req.prefix, ctx.store, job, 'list')),
        ),
      ),
    },
  },
  {
    pattern: /^job_templates\/([^/]+)\/launch\/$/,
    methods: { GET: withTemplate(launchMetadata), POST: withTemplate(launch) },
  },
];
