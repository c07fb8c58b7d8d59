/**
 * Masks personal data for callers without the `pii` scope: phone numbers keep their last two digits,
 * personal emails the first letter and the domain. Pure.
 */

export function maskPhone(phone: string): string {
  const digits = phone.replace(/\D/g, '')
  return `${phone.startsWith('+') ? '+' : ''}${'•'.repeat(Math.max(0, digits.length - 2))}${digits.slice(-2)}`
}

export function maskEmail(address: string): string {
  const at = address.lastIndexOf('@')
  if (at <= 0) return '•••'
  return `${address.charAt(0)}•••${address.slice(at)}`
}
