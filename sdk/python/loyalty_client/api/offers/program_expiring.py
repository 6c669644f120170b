from http import HTTPStatus
from typing import Any, cast
from urllib.parse import quote

import httpx

from ...client import AuthenticatedClient, Client
from ...types import Response, UNSET
from ... import errors

from ...models.expiring_list_out import ExpiringListOut
from ...models.problem import Problem
from ...types import UNSET, Unset
from typing import cast



def _get_kwargs(
    *,
    days: int | Unset = 30,
    limit: int | Unset = 1000,

) -> dict[str, Any]:
    

    

    params: dict[str, Any] = {}

    params["days"] = days

    params["limit"] = limit


    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}


    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/expiring",
        "params": params,
    }


    return _kwargs



def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> ExpiringListOut | Problem | None:
    if response.status_code == 200:
        response_200 = ExpiringListOut.from_dict(response.json())



        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())



        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())



        return response_403

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())



        return response_422

    if response.status_code == 429:
        response_429 = Problem.from_dict(response.json())



        return response_429

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[ExpiringListOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    days: int | Unset = 30,
    limit: int | Unset = 1000,

) -> Response[ExpiringListOut | Problem]:
    """ Program Expiring

     List the members whose points expire within `days`, soonest first (for reminders and staff).

    Args:
        days (int | Unset): Look this many days ahead Default: 30.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExpiringListOut | Problem]
     """


    kwargs = _get_kwargs(
        days=days,
limit=limit,

    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)

def sync(
    *,
    client: AuthenticatedClient,
    days: int | Unset = 30,
    limit: int | Unset = 1000,

) -> ExpiringListOut | Problem | None:
    """ Program Expiring

     List the members whose points expire within `days`, soonest first (for reminders and staff).

    Args:
        days (int | Unset): Look this many days ahead Default: 30.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExpiringListOut | Problem
     """


    return sync_detailed(
        client=client,
days=days,
limit=limit,

    ).parsed

async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    days: int | Unset = 30,
    limit: int | Unset = 1000,

) -> Response[ExpiringListOut | Problem]:
    """ Program Expiring

     List the members whose points expire within `days`, soonest first (for reminders and staff).

    Args:
        days (int | Unset): Look this many days ahead Default: 30.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[ExpiringListOut | Problem]
     """


    kwargs = _get_kwargs(
        days=days,
limit=limit,

    )

    response = await client.get_async_httpx_client().request(
        **kwargs
    )

    return _build_response(client=client, response=response)

async def asyncio(
    *,
    client: AuthenticatedClient,
    days: int | Unset = 30,
    limit: int | Unset = 1000,

) -> ExpiringListOut | Problem | None:
    """ Program Expiring

     List the members whose points expire within `days`, soonest first (for reminders and staff).

    Args:
        days (int | Unset): Look this many days ahead Default: 30.
        limit (int | Unset):  Default: 1000.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        ExpiringListOut | Problem
     """


    return (await asyncio_detailed(
        client=client,
days=days,
limit=limit,

    )).parsed
