import { Component, type ErrorInfo, type ReactNode } from 'react';
import { defaultScenario } from '../../scenario/builtin.ts';
import { session } from '../controller.ts';
import { clearViewFailure } from '../debug.ts';

interface State {
  readonly error: Error | null;
}

/** The page never goes blank: a render failure shows what failed and a way back. */
export class ErrorBoundary extends Component<{ readonly children: ReactNode }, State> {
  override state: State = { error: null };

  static getDerivedStateFromError(error: Error): State {
    return { error };
  }

  override componentDidCatch(error: Error, info: ErrorInfo): void {
    console.error('vsr-scope view failed', error, info.componentStack);
  }

  private recover = (): void => {
    try {
      clearViewFailure();
      session().newRun(defaultScenario, false);
    } catch (error) {
      console.error(error);
    }
    this.setState({ error: null });
  };

  override render(): ReactNode {
    const error = this.state.error;
    if (error === null) return this.props.children;
    return (
      <main className="fatal" role="alert">
        <h1>Something in the view failed</h1>
        <p>
          <strong>{error.name}:</strong> {error.message}
        </p>
        <p>The simulation itself is unharmed. You can go back to the default scenario, or reload the page.</p>
        <div className="row">
          <button type="button" onClick={this.recover}>
            Back to the default scenario
          </button>
          <button type="button" onClick={() => window.location.reload()}>
            Reload the page
          </button>
        </div>
      </main>
    );
  }
}
