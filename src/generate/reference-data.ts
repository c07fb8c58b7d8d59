/** Fixed facts and vocabularies of the generated world. Kept in one place so writers agree on them. */

/** "Now" of the generated world: every date is relative to it, never to the clock. */
export const REFERENCE_MS = Date.UTC(2026, 10, 1)
export const DAY_MS = 86_400_000

export const ourCompany = {
  name: 'Northwind Analytics',
  domain: 'northwind-analytics.com',
  slackDomain: 'northwind-analytics',
} as const

export interface Department {
  readonly name: string
  /** Relative share of the workforce. */
  readonly weight: number
  /** Has Salesforce licences (sales, success, support staff). */
  readonly salesforce: 'sales' | 'support' | false
  readonly headTitle: string
  readonly titles: readonly string[]
}

export const departments: readonly Department[] = [
  { name: 'Engineering', weight: 30, salesforce: false, headTitle: 'VP of Engineering', titles: ['Software Engineer', 'Senior Software Engineer', 'Staff Engineer', 'Engineering Manager', 'QA Engineer', 'Site Reliability Engineer', 'Data Engineer'] },
  { name: 'Sales', weight: 18, salesforce: 'sales', headTitle: 'VP of Sales', titles: ['Account Executive', 'Senior Account Executive', 'Sales Development Representative', 'Regional Sales Manager', 'Sales Engineer'] },
  { name: 'Customer Success', weight: 10, salesforce: 'sales', headTitle: 'VP of Customer Success', titles: ['Customer Success Manager', 'Senior Customer Success Manager', 'Onboarding Specialist', 'Renewals Manager'] },
  { name: 'Support', weight: 12, salesforce: 'support', headTitle: 'Director of Support', titles: ['Support Engineer', 'Technical Support Specialist', 'Support Team Lead', 'Escalation Engineer'] },
  { name: 'Marketing', weight: 7, salesforce: false, headTitle: 'CMO', titles: ['Product Marketing Manager', 'Content Strategist', 'Demand Generation Manager', 'Marketing Operations Analyst'] },
  { name: 'Product', weight: 6, salesforce: false, headTitle: 'VP of Product', titles: ['Product Manager', 'Senior Product Manager', 'Product Designer', 'UX Researcher'] },
  { name: 'Finance', weight: 4, salesforce: false, headTitle: 'CFO', titles: ['Financial Analyst', 'Accountant', 'Controller', 'Billing Specialist'] },
  { name: 'People', weight: 4, salesforce: false, headTitle: 'Chief People Officer', titles: ['HR Business Partner', 'Recruiter', 'People Operations Specialist'] },
  { name: 'Operations', weight: 5, salesforce: false, headTitle: 'COO', titles: ['IT Administrator', 'Salesforce Administrator', 'Business Operations Analyst', 'Office Manager'] },
  { name: 'Legal', weight: 2, salesforce: false, headTitle: 'General Counsel', titles: ['Corporate Counsel', 'Paralegal', 'Contracts Manager'] },
]

export const officeLocations: readonly (readonly [string, number])[] = [
  ['San Francisco', 30], ['Seattle', 12], ['New York', 15], ['Austin', 10], ['London', 12], ['Berlin', 8], ['Remote - US', 13],
]

export const industries: readonly string[] = [
  'Agriculture', 'Apparel', 'Banking', 'Biotechnology', 'Chemicals', 'Communications', 'Construction', 'Consulting',
  'Education', 'Electronics', 'Energy', 'Engineering', 'Entertainment', 'Environmental', 'Finance', 'Food & Beverage',
  'Government', 'Healthcare', 'Hospitality', 'Insurance', 'Machinery', 'Manufacturing', 'Media', 'Not For Profit',
  'Recreation', 'Retail', 'Shipping', 'Technology', 'Telecommunications', 'Transportation', 'Utilities', 'Other',
]

export const countries: readonly (readonly [string, number])[] = [
  ['United States', 55], ['United Kingdom', 9], ['Germany', 7], ['France', 5], ['Canada', 5], ['Australia', 4],
  ['Netherlands', 3], ['Sweden', 3], ['Spain', 3], ['Brazil', 2], ['Japan', 2], ['India', 2],
]

export const topLevelDomains: readonly (readonly [string, number])[] = [
  ['com', 70], ['io', 8], ['co', 4], ['net', 5], ['co.uk', 5], ['de', 4], ['fr', 2], ['se', 2],
]

export const smallBusinessKinds: readonly string[] = [
  'Plumbing', 'Bakery', 'Consulting', 'Design Studio', 'Landscaping', 'Dental', 'Auto Repair', 'Photography',
  'Bookkeeping', 'Catering', 'Yoga Studio', 'Architects',
]

export const customerTitles: readonly string[] = [
  'CEO', 'CTO', 'CFO', 'VP of Operations', 'Head of Data', 'Data Analyst', 'IT Director', 'Procurement Manager',
  'Director of Analytics', 'BI Developer', 'Operations Manager', 'Finance Manager', 'Marketing Director',
  'Software Engineer', 'Data Scientist', 'Office Manager', 'Head of Customer Experience', 'Product Owner',
]

/** Words for chat and activity text: fast to combine, unlike faker's sentence generators. */
export const workNouns: readonly string[] = [
  'dashboard', 'renewal', 'pipeline', 'SSO setup', 'data export', 'invoice', 'QBR deck', 'API quota', 'onboarding plan',
  'security review', 'pilot', 'contract', 'roadmap', 'migration', 'forecast', 'release notes', 'SOW', 'warehouse sync',
  'latency spike', 'billing issue', 'admin console', 'trial', 'usage report', 'Q3 numbers', 'support ticket',
]

export const chatOpeners: readonly string[] = [
  'Quick question about the', 'Heads up on the', 'Can someone look at the', 'Update on the', 'Any news on the',
  'Just finished the', 'Reminder: review the', 'I pushed a fix for the', 'We need to talk about the', 'FYI the',
  'Thanks for the help with the', 'Who owns the', 'Good progress on the', 'Blocked on the', 'Sharing the',
]

export const chatClosers: readonly string[] = [
  'before Friday?', 'today.', 'this week.', 'when you have a minute.', ':pray:', 'looks good to me.', 'is done :tada:',
  'needs another pass.', 'is slipping a bit.', 'is on track.', 'for the call tomorrow.', '- thoughts?', 'is live.',
]

export const reactionNames: readonly string[] = [
  '+1', 'thumbsup', 'eyes', 'tada', 'white_check_mark', 'pray', 'raised_hands', 'heart', 'rocket', 'joy', '100',
]

export const opportunityStages: readonly (readonly [string, number, boolean, boolean])[] = [
  // name, probability, isClosed, isWon
  ['Prospecting', 10, false, false], ['Qualification', 20, false, false], ['Needs Analysis', 30, false, false],
  ['Proposal/Price Quote', 60, false, false], ['Negotiation/Review', 80, false, false],
  ['Closed Won', 100, true, true], ['Closed Lost', 0, true, false],
]

export const contactRoles: readonly string[] = [
  'Decision Maker', 'Economic Buyer', 'Technical Buyer', 'Evaluator', 'Influencer', 'Executive Sponsor', 'Business User',
]
