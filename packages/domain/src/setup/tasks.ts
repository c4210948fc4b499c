// The setup hub's tasks (document 001, /api/v1/setup-hub), fixed in code: what a new tenant of this
// platform does to get going. An auto-checkable task is detected from the read models by the
// auto-check (queries.ts says how); the others are marked by hand. Required tasks must be
// completed or skipped before the setup can be marked complete.

export const SETUP_TASKS = [
  {
    code: 'organization_settings',
    title: 'Set up your organization',
    description: 'Time zone, locale, currency and branding (/api/v1/org-settings).',
    autoCheckable: true,
    required: true,
  },
  {
    code: 'customize_pipeline',
    title: 'Customise your pipeline',
    description: 'Rename, add, recolour or reorder the default deal stages to match how you sell.',
    autoCheckable: true,
    required: true,
  },
  {
    code: 'create_first_deal',
    title: 'Create your first deal',
    description: 'Add a deal to the pipeline.',
    autoCheckable: true,
    required: true,
  },
  {
    code: 'add_organization',
    title: 'Add an organization',
    description: 'Record a company you sell to.',
    autoCheckable: true,
    required: false,
  },
  {
    code: 'add_person',
    title: 'Add a person',
    description: 'Record a contact.',
    autoCheckable: true,
    required: false,
  },
  {
    code: 'invite_teammate',
    title: 'Invite a teammate',
    description: 'Invite someone to your workspace.',
    autoCheckable: true,
    required: false,
  },
  {
    code: 'configure_smtp',
    title: 'Configure email sending',
    description: "Connect your own SMTP server so the platform's mail leaves from your domain.",
    autoCheckable: true,
    required: false,
  },
  {
    code: 'business_profile',
    title: 'Fill in a business profile',
    description: 'Describe your ideal customer so leads get an ICP score.',
    autoCheckable: true,
    required: false,
  },
  {
    code: 'create_api_key',
    title: 'Create an API key',
    description: 'Connect an integration to the REST API.',
    autoCheckable: true,
    required: false,
  },
  {
    code: 'review_permissions',
    title: 'Review roles and permissions',
    description: 'Check who may do what, and create permission profiles if you need them.',
    autoCheckable: false,
    required: false,
  },
] as const satisfies readonly { code: string; title: string; description: string; autoCheckable: boolean; required: boolean }[];

export type SetupTaskCode = (typeof SETUP_TASKS)[number]['code'];
export const SETUP_TASK_CODES = SETUP_TASKS.map((t) => t.code) as SetupTaskCode[];
export const AUTO_CHECKED = SETUP_TASKS.filter((t) => t.autoCheckable).map((t) => t.code) as SetupTaskCode[];

export const TASK_STATUSES = ['pending', 'in_progress', 'completed', 'skipped'] as const;
export type TaskStatus = (typeof TASK_STATUSES)[number];

export const isSetupTaskCode = (code: string): code is SetupTaskCode => (SETUP_TASK_CODES as string[]).includes(code);
