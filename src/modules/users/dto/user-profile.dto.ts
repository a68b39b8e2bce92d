/** The public side of an account: what an item's readers may see of its owner. */
export class UserProfileDto {
  id!: string;
  displayName!: string;
}
