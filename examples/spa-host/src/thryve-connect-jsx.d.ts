// <thryve-connect> in React's JSX: its attributes (kebab-case strings, as in HTML) and a ref to
// the element. React 19 sets unknown names on custom elements as attributes.
import type { HTMLAttributes, Key, Ref } from "react";
import type { ThryveConnectAttributes, ThryveConnectElement } from "thryve-connect";

/** The props of <thryve-connect>: the screen's attributes, the usual HTML ones, `ref` and `key`. */
export type ThryveConnectProps = ThryveConnectAttributes &
  Omit<HTMLAttributes<ThryveConnectElement>, keyof ThryveConnectAttributes | "children"> & {
    /** The element, for its `settings` property and for listening to its events. */
    ref?: Ref<ThryveConnectElement>;
    key?: Key | null;
    /** The screen renders its own content. */
    children?: never;
  };

declare module "react" {
  namespace JSX {
    interface IntrinsicElements {
      "thryve-connect": ThryveConnectProps;
    }
  }
}
