import type { PhoneNumber } from './phone-number';

/**
 * The IANA zones a number may ring in, for the quiet-hours rule. A number gives its country (and in
 * North America its area code); where that still spans several zones, every one of them is listed
 * and the gate requires 08:00–21:00 in all of them (the most restrictive reading). An empty list
 * means "unknown", which the gate refuses rather than guesses.
 */

/** Countries with one civil time zone (the common destinations). */
const SINGLE_ZONE: Record<string, string> = {
  AE: 'Asia/Dubai', AR: 'America/Argentina/Buenos_Aires', AT: 'Europe/Vienna', BE: 'Europe/Brussels', BG: 'Europe/Sofia',
  CH: 'Europe/Zurich', CN: 'Asia/Shanghai', CO: 'America/Bogota', CZ: 'Europe/Prague', DE: 'Europe/Berlin',
  DK: 'Europe/Copenhagen', EE: 'Europe/Tallinn', EG: 'Africa/Cairo', FI: 'Europe/Helsinki', FR: 'Europe/Paris',
  GB: 'Europe/London', GR: 'Europe/Athens', HK: 'Asia/Hong_Kong', HR: 'Europe/Zagreb', HU: 'Europe/Budapest',
  IE: 'Europe/Dublin', IL: 'Asia/Jerusalem', IN: 'Asia/Kolkata', IS: 'Atlantic/Reykjavik', IT: 'Europe/Rome',
  JP: 'Asia/Tokyo', KE: 'Africa/Nairobi', KR: 'Asia/Seoul', LT: 'Europe/Vilnius', LU: 'Europe/Luxembourg',
  LV: 'Europe/Riga', MA: 'Africa/Casablanca', MY: 'Asia/Kuala_Lumpur', NG: 'Africa/Lagos', NL: 'Europe/Amsterdam',
  NO: 'Europe/Oslo', PE: 'America/Lima', PH: 'Asia/Manila', PK: 'Asia/Karachi', PL: 'Europe/Warsaw',
  RO: 'Europe/Bucharest', RS: 'Europe/Belgrade', SA: 'Asia/Riyadh', SE: 'Europe/Stockholm', SG: 'Asia/Singapore',
  SI: 'Europe/Ljubljana', SK: 'Europe/Bratislava', TH: 'Asia/Bangkok', TR: 'Europe/Istanbul', TW: 'Asia/Taipei',
  UA: 'Europe/Kyiv', VN: 'Asia/Ho_Chi_Minh', ZA: 'Africa/Johannesburg', PR: 'America/Puerto_Rico',
};

/** Countries spanning several zones, when nothing narrower is known: all of them apply. */
const MULTI_ZONE: Record<string, string[]> = {
  US: ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Phoenix', 'America/Los_Angeles', 'America/Anchorage', 'Pacific/Honolulu'],
  CA: ['America/St_Johns', 'America/Halifax', 'America/Toronto', 'America/Winnipeg', 'America/Edmonton', 'America/Vancouver'],
  AU: ['Australia/Sydney', 'Australia/Adelaide', 'Australia/Brisbane', 'Australia/Darwin', 'Australia/Perth'],
  BR: ['America/Noronha', 'America/Sao_Paulo', 'America/Manaus', 'America/Rio_Branco'],
  MX: ['America/Cancun', 'America/Mexico_City', 'America/Chihuahua', 'America/Hermosillo', 'America/Tijuana'],
  ES: ['Europe/Madrid', 'Atlantic/Canary'],
  PT: ['Europe/Lisbon', 'Atlantic/Azores'],
  NZ: ['Pacific/Auckland', 'Pacific/Chatham'],
  ID: ['Asia/Jakarta', 'Asia/Makassar', 'Asia/Jayapura'],
  CL: ['America/Santiago', 'Pacific/Easter'],
};

/** North American area codes whose whole territory keeps one zone. */
const NANP_AREA_ZONES: Array<[string, string]> = [
  ['America/Los_Angeles', '206 209 213 253 310 323 341 350 360 408 415 424 425 442 503 509 510 530 559 562 564 619 626 628 650 657 661 669 702 707 714 725 747 760 805 818 831 858 909 916 925 949 951 971 236 250 604 672 778'],
  ['America/Denver', '303 307 385 406 435 505 575 719 720 801 970 403 587 780 825'],
  ['America/Phoenix', '480 520 602 623 928'],
  ['America/Chicago', '205 210 214 217 224 225 228 251 254 256 262 281 309 312 314 316 318 319 320 331 337 346 361 402 405 409 414 417 430 469 479 501 504 507 512 515 563 573 601 608 612 615 618 630 636 641 651 660 662 682 708 712 713 715 731 737 763 769 773 779 815 816 817 830 832 847 870 872 901 903 913 918 920 936 940 952 956 972 979 985 204 431'],
  ['America/New_York', '201 202 203 207 212 215 216 234 239 240 248 267 276 301 302 304 305 313 315 321 330 336 339 347 351 352 386 401 404 407 410 412 413 419 434 440 443 470 475 478 484 508 516 518 540 551 561 585 586 603 607 609 610 614 617 631 646 667 678 703 704 706 716 717 718 724 727 732 734 740 754 757 770 772 774 781 786 802 803 804 810 813 814 828 843 845 848 856 857 860 862 863 864 904 908 910 914 917 919 929 937 941 954 973 978 980 984 416 437 514 613 647 819 905'],
  ['America/Anchorage', '907'],
  ['Pacific/Honolulu', '808'],
  ['America/Halifax', '782 902'],
  ['America/St_Johns', '709'],
];
const NANP = new Map(NANP_AREA_ZONES.flatMap(([zone, codes]) => codes.split(' ').map((code) => [code, zone] as const)));

export function recipientZones(number: PhoneNumber, contactTimezone?: string | null): string[] {
  if (contactTimezone && isZone(contactTimezone)) return [contactTimezone];
  // A North American number libphonenumber cannot place (a non-geographic or new area code) may ring
  // anywhere in the plan: every US zone applies.
  const country = number.country ?? (number.e164.startsWith('+1') ? 'US' : null);
  if (!country) return [];
  if (country === 'US' || country === 'CA') {
    const zone = NANP.get(number.national.slice(0, 3));
    if (zone) return [zone];
  }
  if (MULTI_ZONE[country]) return MULTI_ZONE[country];
  return SINGLE_ZONE[country] ? [SINGLE_ZONE[country]] : [];
}

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
