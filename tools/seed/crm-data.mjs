// @ts-check
// Realistic-looking contact data for seeding and benchmarks: names, companies, emails and
// phone numbers drawn from fixed lists with a seeded PRNG, so two runs make the same data.
export const FIRST_NAMES = `James Mary John Patricia Robert Jennifer Michael Linda William Elizabeth David Barbara Richard Susan Joseph Jessica
Thomas Sarah Charles Karen Christopher Lisa Daniel Nancy Matthew Betty Anthony Margaret Mark Sandra Donald Ashley Steven Kimberly Paul Emily
Andrew Donna Joshua Michelle Kenneth Carol Kevin Amanda Brian Dorothy George Melissa Timothy Deborah Ronald Stephanie Edward Rebecca Jason
Sharon Jeffrey Laura Ryan Cynthia Jacob Kathleen Gary Amy Nicholas Angela Eric Shirley Jonathan Anna Stephen Brenda Larry Pamela Justin Emma
Scott Nicole Brandon Helen Benjamin Samantha Samuel Katherine Gregory Christine Alexander Debra Frank Rachel Patrick Carolyn Raymond Janet
Jack Catherine Dennis Maria Jerry Heather Tyler Diane Aaron Ruth Jose Julie Adam Olivia Nathan Joyce Henry Virginia Douglas Victoria Zachary
Kelly Peter Lauren Kyle Christina Ethan Joan Walter Evelyn Noah Judith Jeremy Megan Christian Andrea Keith Cheryl Roger Hannah Terry Jacqueline
Gerald Martha Harold Gloria Sean Teresa Austin Ann Carl Sara Arthur Madison Lawrence Frances Dylan Kathryn Jesse Janice Jordan Jean Bryan
Abigail Billy Alice Joe Julia Bruce Judy Gabriel Sophia Logan Grace Albert Denise Willie Amber Alan Doris Juan Marilyn Wayne Danielle Elijah
Beverly Randy Isabella Roy Theresa Vincent Diana Ralph Natalie Eugene Brittany Russell Charlotte Bobby Marie Mason Kayla Philip Alexis Louis Lori
Sofia Mateo Lucia Hugo Chloe Louis Ines Mohammed Fatima Wei Li Hiroshi Yuki Priya Arjun Olga Ivan Lars Ingrid Sven Freya Giulia Marco Lena Jonas`.split(/\s+/);

export const LAST_NAMES = `Smith Johnson Williams Brown Jones Garcia Miller Davis Rodriguez Martinez Hernandez Lopez Gonzalez Wilson Anderson Thomas Taylor
Moore Jackson Martin Lee Perez Thompson White Harris Sanchez Clark Ramirez Lewis Robinson Walker Young Allen King Wright Scott Torres Nguyen Hill
Flores Green Adams Nelson Baker Hall Rivera Campbell Mitchell Carter Roberts Gomez Phillips Evans Turner Diaz Parker Cruz Edwards Collins Reyes
Stewart Morris Morales Murphy Cook Rogers Gutierrez Ortiz Morgan Cooper Peterson Bailey Reed Kelly Howard Ramos Kim Cox Ward Richardson Watson
Brooks Chavez Wood James Bennett Gray Mendoza Ruiz Hughes Price Alvarez Castillo Sanders Patel Myers Long Ross Foster Jimenez Powell Jenkins
Perry Russell Sullivan Bell Coleman Butler Henderson Barnes Gonzales Fisher Vasquez Simmons Romero Jordan Patterson Alexander Hamilton Graham
Reynolds Griffin Wallace Moreno West Cole Hayes Bryant Herrera Gibson Ellis Tran Medina Aguilar Stevens Murray Ford Castro Marshall Owens
Harrison Fernandez McDonald Woods Washington Kennedy Wells Vargas Henry Chen Freeman Webb Tucker Guzman Burns Crawford Olson Simpson Porter
Hunter Gordon Mendez Silva Shaw Snyder Mason Dixon Munoz Hunt Hicks Holmes Palmer Wagner Black Robertson Boyd Rose Stone Salazar Fox Warren
Mills Meyer Rice Schmidt Garza Daniels Ferguson Nichols Stephens Soto Weaver Ryan Gardner Payne Grant Dunn Kelley Spencer Hawkins Arnold Pierce
Vazquez Hansen Peters Santos Hart Bradley Knight Elliott Cunningham Duncan Armstrong Hudson Carroll Lane Riley Andrews Alvarado Ray Delgado
Berry Perkins Hoffman Johnston Matthews Pena Richards Contreras Willis Carpenter Lawrence Sandoval Müller Schneider Fischer Weber Becker
Dubois Lefebvre Moreau Rossi Russo Bianchi Yamamoto Tanaka Suzuki Sato Kowalski Nowak Novak Larsen Jensen Nielsen Andersson Johansson OBrien`.split(/\s+/);

const COMPANY_A = 'Acme Globex Initech Umbrella Hooli Stark Wayne Wonka Tyrell Cyberdyne Soylent Aperture Vandelay Dunder Pied Massive Blue Green Red Silver Golden North South East West Prime Apex Summit Vertex Quantum Nova Stellar Bright Clear Swift Rapid Solid True Bold'.split(' ');
const COMPANY_B = 'Dynamics Systems Labs Industries Solutions Logistics Partners Holdings Networks Analytics Robotics Foods Energy Media Health Capital Ventures Works Group Technologies'.split(' ');
const COMPANY_C = ['Inc', 'LLC', 'Ltd', 'GmbH', 'Corp', 'SA', 'BV', ''];
const DOMAINS = ['example.com', 'mail.test', 'corp.test', 'inbox.test', 'company.test'];
const AREA_CODES = [201, 202, 212, 213, 305, 312, 404, 415, 512, 617, 646, 702, 713, 718, 805, 818, 917, 929, 972];
const STAGES = ['subscriber', 'lead', 'lead', 'lead', 'qualified', 'customer', 'lost'];
const TAGS = ['vip', 'newsletter', 'webinar', 'trade-show', 'referral', 'partner', 'churn-risk'];

/** mulberry32: small, fast, seeded. @param {number} seed @returns {() => number} */
export function prng(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A random element of `list`. @template T @param {() => number} rand @param {readonly T[]} list @returns {T} */
export const pick = (rand, list) => list[Math.floor(rand() * list.length)];

/** `count` distinct company names. @param {number} count @param {number} [seed] @returns {string[]} */
export function companyNames(count, seed = 7) {
  const rand = prng(seed);
  /** @type {Set<string>} */
  const names = new Set();
  while (names.size < count) names.add(`${pick(rand, COMPANY_A)} ${pick(rand, COMPANY_B)} ${pick(rand, COMPANY_C)}`.trim() + (names.size >= 1600 ? ` ${names.size}` : ''));
  return [...names];
}

/**
 * The i-th contact of a data set: unique email and phone, names and company from the lists.
 * @template {{ name: string }} C
 * @param {number} i
 * @param {() => number} rand
 * @param {readonly C[]} companies  the company is one of these (null when there are none)
 */
export function contactAt(i, rand, companies) {
  const first = pick(rand, FIRST_NAMES);
  const last = pick(rand, LAST_NAMES);
  const area = AREA_CODES[i % AREA_CODES.length];
  const line = String(2_000_000 + (Math.floor(i / AREA_CODES.length) % 7_999_999)).padStart(7, '0');
  const phone = `+1${area}${line}`;
  return {
    first_name: first,
    last_name: last,
    email: `${first}.${last}.${i}@${pick(rand, DOMAINS)}`.toLowerCase(),
    phone,
    national: `${area}${line}`,
    company: companies.length ? companies[Math.floor(rand() * companies.length)] : null,
    lifecycle_stage: pick(rand, STAGES),
    lead_score: Math.floor(rand() * 100),
    tags: rand() < 0.3 ? [pick(rand, TAGS)] : [],
    title: rand() < 0.5 ? pick(rand, ['CEO', 'CTO', 'VP Sales', 'Head of Ops', 'Engineer', 'Buyer', 'Founder']) : null,
  };
}
